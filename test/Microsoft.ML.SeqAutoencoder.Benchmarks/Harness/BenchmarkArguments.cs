using System;
using System.Collections.Generic;
using System.Globalization;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Harness
{
    /// <summary>
    /// <c>--name value</c> options and <c>--flag</c> switches. Every option a benchmark reads is marked as
    /// known; <see cref="ThrowOnUnknown"/> then rejects typos instead of silently running with defaults.
    /// </summary>
    internal sealed class BenchmarkArguments
    {
        private readonly Dictionary<string, string> _values = new Dictionary<string, string>(StringComparer.Ordinal);
        private readonly HashSet<string> _flags = new HashSet<string>(StringComparer.Ordinal);
        private readonly HashSet<string> _known = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>
        /// Parses <paramref name="args"/>. A token <c>--x</c> followed by a token that does not start with
        /// <c>--</c> is an option with a value; otherwise it is a flag.
        /// </summary>
        public BenchmarkArguments(IReadOnlyList<string> args)
        {
            Tokens = args;
            for (int i = 0; i < args.Count; i++)
            {
                string token = args[i];
                if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length == 2)
                    throw new ArgumentException($"Unexpected argument '{token}': options look like --name [value].");
                string name = token.Substring(2);
                if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    _values[name] = args[++i];
                else
                    _flags.Add(name);
            }
        }

        /// <summary>The arguments as given, for benchmarks that read their own options.</summary>
        public IReadOnlyList<string> Tokens { get; }

        /// <summary>Whether the switch <c>--<paramref name="name"/></c> was given.</summary>
        public bool Flag(string name)
        {
            _known.Add(name);
            if (_values.ContainsKey(name))
                throw new ArgumentException($"--{name} takes no value.");
            return _flags.Contains(name);
        }

        /// <summary>The value of <c>--<paramref name="name"/></c>, or <paramref name="defaultValue"/>.</summary>
        public string String(string name, string defaultValue)
        {
            _known.Add(name);
            if (_flags.Contains(name))
                throw new ArgumentException($"--{name} needs a value.");
            return _values.TryGetValue(name, out string value) ? value : defaultValue;
        }

        /// <summary>The integer value of <c>--<paramref name="name"/></c>, at least <paramref name="minimum"/>.</summary>
        public int Int(string name, int defaultValue, int minimum)
        {
            string text = String(name, null);
            if (text is null)
                return defaultValue;
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < minimum)
                throw new ArgumentException($"--{name} must be an integer of at least {minimum}, not '{text}'.");
            return value;
        }

        /// <summary>The number value of <c>--<paramref name="name"/></c>.</summary>
        public double Double(string name, double defaultValue)
        {
            string text = String(name, null);
            if (text is null)
                return defaultValue;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
                throw new ArgumentException($"--{name} must be a number, not '{text}'.");
            return value;
        }

        /// <summary>Rejects any option or switch that no call above asked for.</summary>
        public void ThrowOnUnknown()
        {
            foreach (string name in _values.Keys)
            {
                if (!_known.Contains(name))
                    throw new ArgumentException($"Unknown option --{name}.");
            }
            foreach (string name in _flags)
            {
                if (!_known.Contains(name))
                    throw new ArgumentException($"Unknown option --{name}.");
            }
        }
    }
}
