using System;
using System.Threading;
using TorchSharp;

namespace Microsoft.ML.SeqAutoencoder.Torch
{
    /// <summary>
    /// The lifetime of a fitted network that several threads read while any of them may dispose it: each read holds a
    /// <see cref="Use"/>; <see cref="Dispose"/> refuses new uses at once (<see cref="ObjectDisposedException"/>) and
    /// releases the native network when the last use in flight ends, so disposing a transformer while another thread
    /// scores never frees memory under a forward pass.
    /// </summary>
    internal sealed class NetworkLifetime : IDisposable
    {
        private static long _live;

        private readonly object _gate = new object();
        private readonly torch.nn.Module _network;
        private readonly object _owner;
        private int _uses;
        private bool _disposed;
        private bool _released;

        /// <param name="network">The network to release.</param>
        /// <param name="owner">The object named by <see cref="ObjectDisposedException"/>.</param>
        public NetworkLifetime(torch.nn.Module network, object owner)
        {
            _network = network;
            _owner = owner;
            Interlocked.Increment(ref _live);
        }

        /// <summary>Fitted networks of this process not yet released (tests check that nothing leaks).</summary>
        internal static long Live => Interlocked.Read(ref _live);

        /// <summary>Whether <see cref="Dispose"/> was called (the network may still be finishing a use in flight).</summary>
        public bool IsDisposed
        {
            get
            {
                lock (_gate)
                    return _disposed;
            }
        }

        /// <summary>Starts a use of the network; dispose the result when the network is no longer read.</summary>
        /// <exception cref="ObjectDisposedException">The network was disposed.</exception>
        public Use Enter()
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, _owner);
                _uses++;
            }
            return new Use(this);
        }

        private void Exit()
        {
            lock (_gate)
            {
                _uses--;
                if (_uses == 0 && _disposed)
                    Release();
            }
        }

        /// <summary>Refuses new uses and releases the network now, or when the last use in flight ends.</summary>
        public void Dispose()
        {
            lock (_gate)
            {
                if (_disposed)
                    return;
                _disposed = true;
                if (_uses == 0)
                    Release();
            }
        }

        private void Release()
        {
            if (_released)
                return;
            _released = true;
            _network.Dispose();
            Interlocked.Decrement(ref _live);
        }

        /// <summary>One use of the network, ended by <see cref="Dispose"/>.</summary>
        public readonly struct Use : IDisposable
        {
            private readonly NetworkLifetime _lifetime;

            internal Use(NetworkLifetime lifetime) => _lifetime = lifetime;

            /// <summary>Ends the use.</summary>
            public void Dispose() => _lifetime?.Exit();
        }
    }
}
