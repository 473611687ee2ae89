using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Microsoft.ML.SeqAutoencoder.Native
{
    /// <summary>
    /// libtorch's CPU kernels run on libgomp threads, which by default spin for a while after each parallel region
    /// before they sleep. Beside another CPU-bound process (a server's other work) the spinning threads take the cores
    /// the working ones need: a fit ran 13× slower. <c>OMP_WAIT_POLICY=PASSIVE</c> makes them sleep at once. libgomp reads
    /// the variable once, when it loads, so this library sets it (the process's native environment) when its assembly
    /// loads, before it first touches libtorch, unless the user chose: a value already set (natively, or with
    /// <see cref="Environment.SetEnvironmentVariable(string, string)"/>, which is then passed on to the native
    /// environment), the opt-out <see cref="KeepEnvironmentVariable"/>=1, or the AppContext switch
    /// <see cref="KeepSwitchName"/>. When libgomp is already loaded (TorchSharp used before this library) nothing can
    /// change. Measured on 2 cores (docs/benchmarks.md, contention benchmark). Linux only.
    /// </summary>
    internal static class OpenMpWaitPolicy
    {
        /// <summary>The variable libgomp reads.</summary>
        public const string VariableName = "OMP_WAIT_POLICY";

        /// <summary>The value this library sets.</summary>
        public const string Value = "PASSIVE";

        /// <summary>Environment variable that keeps libgomp's own default when set to 1 or true.</summary>
        public const string KeepEnvironmentVariable = "SEQAE_KEEP_OMP_WAIT_POLICY";

        /// <summary>AppContext switch that keeps libgomp's own default.</summary>
        public const string KeepSwitchName = "Microsoft.ML.SeqAutoencoder.KeepOpenMpWaitPolicy";

        /// <summary>What happened when the assembly loaded.</summary>
        public static OpenMpWaitPolicyState State { get; private set; } = OpenMpWaitPolicyState.NotLinux;

        /// <summary>The value in effect (null: libgomp's default).</summary>
        public static string Effective { get; private set; }

#pragma warning disable CA2255 // A library module initializer: the variable must be set before libgomp loads, which can be on any entry point.
        [ModuleInitializer]
#pragma warning restore CA2255
        internal static void Initialize()
        {
            try
            {
                (State, Effective) = Apply();
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or IOException or UnauthorizedAccessException)
            {
                State = OpenMpWaitPolicyState.Failed;
            }
        }

        private static unsafe (OpenMpWaitPolicyState, string) Apply()
        {
            if (!OperatingSystem.IsLinux())
                return (OpenMpWaitPolicyState.NotLinux, null);
            string native = GetNative(VariableName);
            if (native != null)
                return (OpenMpWaitPolicyState.SetByUser, native);
            string managed = Environment.GetEnvironmentVariable(VariableName);
            if (managed != null)
            {
                // Set in code before this assembly loaded: .NET keeps it in its own copy, which libgomp does not read.
                SetNative(VariableName, managed);
                return (OpenMpWaitPolicyState.SetByUser, managed);
            }
            string keep = Environment.GetEnvironmentVariable(KeepEnvironmentVariable);
            if (keep == "1" || string.Equals(keep, "true", StringComparison.OrdinalIgnoreCase)
                || AppContext.TryGetSwitch(KeepSwitchName, out bool kept) && kept)
            {
                return (OpenMpWaitPolicyState.KeptByUser, null);
            }
            if (File.Exists("/proc/self/maps") && File.ReadAllText("/proc/self/maps").Contains("libgomp", StringComparison.Ordinal))
                return (OpenMpWaitPolicyState.TooLate, null);
            SetNative(VariableName, Value);
            Environment.SetEnvironmentVariable(VariableName, Value);
            return (OpenMpWaitPolicyState.Applied, Value);
        }

        /// <summary>One line for a training's log.</summary>
        public static string Report() => State switch
        {
            OpenMpWaitPolicyState.Applied => $"OpenMP: {VariableName}={Value} set by this library before libtorch loaded (set {KeepEnvironmentVariable}=1, or {VariableName} yourself, to choose).",
            OpenMpWaitPolicyState.SetByUser => $"OpenMP: {VariableName}={Effective}, as set by the user.",
            OpenMpWaitPolicyState.KeptByUser => $"OpenMP: {VariableName} left unset ({KeepEnvironmentVariable}); libgomp's threads spin before they sleep.",
            OpenMpWaitPolicyState.TooLate => $"OpenMP: libgomp was loaded before this library, {VariableName} unchanged; set {VariableName}={Value} before starting the process to keep spinning threads off a busy machine.",
            OpenMpWaitPolicyState.NotLinux => "OpenMP: not Linux, wait policy unchanged.",
            _ => $"OpenMP: {VariableName} could not be set; libgomp keeps its default.",
        };

        private static unsafe string GetNative(string name)
        {
            IntPtr libc = NativeLibrary.Load("libc.so.6");
            var getenv = (delegate* unmanaged<byte*, byte*>)NativeLibrary.GetExport(libc, "getenv");
            byte[] key = System.Text.Encoding.ASCII.GetBytes(name + "\0");
            fixed (byte* k = key)
            {
                byte* value = getenv(k);
                return value == null ? null : Marshal.PtrToStringUTF8((IntPtr)value);
            }
        }

        private static unsafe void SetNative(string name, string value)
        {
            IntPtr libc = NativeLibrary.Load("libc.so.6");
            var setenv = (delegate* unmanaged<byte*, byte*, int, int>)NativeLibrary.GetExport(libc, "setenv");
            byte[] key = System.Text.Encoding.ASCII.GetBytes(name + "\0");
            byte[] text = System.Text.Encoding.UTF8.GetBytes(value + "\0");
            fixed (byte* k = key)
            fixed (byte* v = text)
                setenv(k, v, 1);
        }
    }

    /// <summary>Outcome of <see cref="OpenMpWaitPolicy"/>.</summary>
    internal enum OpenMpWaitPolicyState
    {
        /// <summary>Not Linux: nothing done.</summary>
        NotLinux,

        /// <summary>The library set OMP_WAIT_POLICY=PASSIVE.</summary>
        Applied,

        /// <summary>The user set OMP_WAIT_POLICY.</summary>
        SetByUser,

        /// <summary>The user opted out.</summary>
        KeptByUser,

        /// <summary>libgomp was already loaded.</summary>
        TooLate,

        /// <summary>libc could not be called.</summary>
        Failed,
    }
}
