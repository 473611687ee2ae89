using System.Runtime.CompilerServices;

// Like the library, the tests compile against publicized copies of these two (build/Publicize.targets), to drive
// ML.NET's internal persistence API directly. The attribute type is the library's internal one, visible here
// through InternalsVisibleTo: declaring a second copy would clash with it (CS0436).
[assembly: IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: IgnoresAccessChecksTo("Microsoft.ML.Data")]
