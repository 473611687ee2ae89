namespace System.Runtime.CompilerServices
{
    /// <summary>
    /// Tells the runtime that the declaring assembly may use the non-public types and members of the named
    /// assembly. The attribute is not in the base class library: CoreCLR recognizes it by name in any assembly.
    /// </summary>
    /// <remarks>
    /// This assembly compiles against publicized copies of <c>Microsoft.ML.Core</c> and <c>Microsoft.ML.Data</c>
    /// (see <c>build/Publicize.targets</c>) and runs against the real ones; without this attribute the runtime
    /// would reject its uses of their internals (<see cref="MethodAccessException"/>,
    /// <see cref="TypeLoadException"/>). Honoured by CoreCLR only, not by .NET Framework, Mono or NativeAOT.
    /// </remarks>
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
    internal sealed class IgnoresAccessChecksToAttribute : Attribute
    {
        /// <summary>
        /// Initializes a new instance of the <see cref="IgnoresAccessChecksToAttribute"/> class.
        /// </summary>
        /// <param name="assemblyName">The simple name of the assembly whose access checks are ignored.</param>
        public IgnoresAccessChecksToAttribute(string assemblyName)
        {
            AssemblyName = assemblyName;
        }

        /// <summary>
        /// Gets the simple name of the assembly whose access checks are ignored.
        /// </summary>
        public string AssemblyName { get; }
    }
}
