using System;

namespace Microsoft.ML.SeqAutoencoder.MLNet
{
    /// <summary>
    /// How much memory the <see cref="OutputCache"/> of one transformed view may take: at most
    /// <see cref="FirstPassBytes"/> while only one pass has read the view (so that a single lazy pass over data of any
    /// size keeps memory flat), and up to <see cref="Bytes"/> once a later pass shows the view is read again (a
    /// multi-pass trainer). <see cref="Bytes"/> may be <see cref="Automatic"/>: half the memory available when that later
    /// pass starts.
    /// </summary>
    internal readonly record struct OutputCacheBudget(long FirstPassBytes, long Bytes)
    {
        /// <summary>Environment variable: <see cref="Bytes"/> in MiB (0 turns the cache off; unset: automatic).</summary>
        public const string EnvironmentVariable = "SEQAE_OUTPUT_CACHE_MB";

        /// <summary>AppContext data name: <see cref="Bytes"/> in MiB, taking precedence over the environment variable.</summary>
        public const string AppContextName = "Microsoft.ML.SeqAutoencoder.OutputCacheMegabytes";

        /// <summary>The most a view keeps during its first pass.</summary>
        public const int FirstPassMegabytes = 64;

        /// <summary>A <see cref="Bytes"/> that follows the memory available (see <see cref="Native.AvailableMemory"/>).</summary>
        public const long Automatic = -1;

        /// <summary>No cache: every cursor runs the network.</summary>
        public static OutputCacheBudget Off => new OutputCacheBudget(0, 0);

        /// <summary>Whether the cache never keeps anything.</summary>
        public bool IsOff => Bytes == 0;

        /// <summary>
        /// The budget of new views: <see cref="AppContextName"/>, else <see cref="EnvironmentVariable"/>, else
        /// <see cref="Automatic"/>; the first pass keeps at most <see cref="FirstPassMegabytes"/> and never more than the
        /// whole budget.
        /// </summary>
        public static OutputCacheBudget Default()
        {
            object data = AppContext.GetData(AppContextName);
            return FromSetting(data?.ToString() ?? Environment.GetEnvironmentVariable(EnvironmentVariable));
        }

        /// <summary>
        /// The budget a setting in MiB gives: a whole number ≥ 0 fixes <see cref="Bytes"/> (0: off); anything else (unset,
        /// negative, not a number) is <see cref="Automatic"/>.
        /// </summary>
        internal static OutputCacheBudget FromSetting(string megabytes)
        {
            long bytes = long.TryParse(megabytes, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long parsed)
                && parsed <= long.MaxValue / (1024 * 1024) ? parsed * 1024 * 1024 : Automatic;
            return Of(FirstPassMegabytes * 1024L * 1024, bytes);
        }

        /// <summary>A budget of <paramref name="bytes"/> (or <see cref="Automatic"/>) whose first pass keeps at most <paramref name="firstPassBytes"/>.</summary>
        public static OutputCacheBudget Of(long firstPassBytes, long bytes)
            => new OutputCacheBudget(bytes == Automatic ? firstPassBytes : Math.Min(firstPassBytes, bytes), bytes);

        /// <summary>For messages and reports.</summary>
        public override string ToString()
            => IsOff ? "off" : $"{FirstPassBytes / (1024 * 1024)} MiB on the first pass, then {(Bytes == Automatic ? "half the available memory" : $"{Bytes / (1024 * 1024)} MiB")}";
    }
}
