using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Microsoft.ML.SeqAutoencoder.Native
{
    /// <summary>
    /// libtorch's CPU kernels run on libgomp threads, which by default spin for a while after each parallel region
    /// before they sleep; <c>OMP_WAIT_POLICY=PASSIVE</c> makes them sleep at once. libgomp reads the variable once, when
    /// it loads. Measured on 2 cores (docs/benchmarks.md, <c>contention</c>): on a machine of its own PASSIVE makes
    /// training steps 1.8–12× slower and PredictionEngine 16–50× slower; beside one CPU-bound process it makes batched
    /// scoring 1.8–2.2× faster and training between 1.5× faster and 1.2× slower; with another libtorch process training
    /// on the same cores the default was 13× slower. So the library keeps libgomp's default and says in every training's
    /// log which policy is in effect. What it does: a value set in code with
    /// <see cref="Environment.SetEnvironmentVariable(string, string)"/> before this assembly loads lives only in .NET's
    /// copy of the environment on Linux, which libgomp never reads; it is passed on to the native environment here, so
    /// opting in from code works as long as libtorch has not loaded yet. Linux only.
    /// </summary>
    internal static class OpenMpWaitPolicy
    {
        /// <summary>The variable libgomp reads.</summary>
        public const string VariableName = "OMP_WAIT_POLICY";

        /// <summary>What happened when the assembly loaded.</summary>
        public static OpenMpWaitPolicyState State { get; private set; } = OpenMpWaitPolicyState.NotLinux;

        /// <summary>The value in effect (null: libgomp's default).</summary>
        public static string Effective { get; private set; }

#pragma warning disable CA2255 // A library module initializer: a value set in code must reach the native environment before libgomp loads, which can be on any entry point.
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

        private static (OpenMpWaitPolicyState, string) Apply()
        {
            if (!OperatingSystem.IsLinux())
                return (OpenMpWaitPolicyState.NotLinux, null);
            string native = GetNative(VariableName);
            if (native != null)
                return (OpenMpWaitPolicyState.SetByUser, native);
            string managed = Environment.GetEnvironmentVariable(VariableName);
            if (managed == null)
                return (OpenMpWaitPolicyState.Default, null);
            if (File.Exists("/proc/self/maps") && File.ReadAllText("/proc/self/maps").Contains("libgomp", StringComparison.Ordinal))
                return (OpenMpWaitPolicyState.TooLate, managed);
            SetNative(VariableName, managed);
            return (OpenMpWaitPolicyState.SetByUser, managed);
        }

        /// <summary>One line for a training's log.</summary>
        public static string Report() => State switch
        {
            OpenMpWaitPolicyState.Default => $"OpenMP: {VariableName} unset (libgomp's threads spin briefly before they sleep: fastest on cores of their own; " +
                $"set {VariableName}=PASSIVE when other CPU-bound work shares them, see docs/benchmarks.md).",
            OpenMpWaitPolicyState.SetByUser => $"OpenMP: {VariableName}={Effective}, as set by the user.",
            OpenMpWaitPolicyState.TooLate => $"OpenMP: {VariableName}={Effective} was set in code after libgomp loaded and has no effect; set it before the process starts.",
            OpenMpWaitPolicyState.NotLinux => "OpenMP: not Linux, wait policy unchanged.",
            _ => $"OpenMP: {VariableName} could not be read; libgomp keeps its default.",
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

        /// <summary>Unset: libgomp's default.</summary>
        Default,

        /// <summary>The user set OMP_WAIT_POLICY (in the environment, or in code, passed on here).</summary>
        SetByUser,

        /// <summary>Set in code after libgomp loaded: no effect.</summary>
        TooLate,

        /// <summary>libc could not be called.</summary>
        Failed,
    }
}
