using System;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.Native
{
    /// <summary>A <see cref="FactAttribute"/> that is skipped, with a reason, when not running on Linux.</summary>
    public sealed class LinuxFactAttribute : FactAttribute
    {
        /// <summary>Creates the attribute; sets <see cref="FactAttribute.Skip"/> on other operating systems.</summary>
        public LinuxFactAttribute()
        {
            if (!OperatingSystem.IsLinux())
            {
                Skip = "Linux only: checks the ELF patch of TorchSharp's libLibTorchSharp.so, which the build applies only on Linux.";
            }
        }
    }
}
