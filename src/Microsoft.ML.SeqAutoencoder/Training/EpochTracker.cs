using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Training
{
    /// <summary>
    /// The end-of-epoch bookkeeping both trainers share: the monitored loss (validation when there is a validation
    /// split, else training), a snapshot of the best epoch's weights, patience for early stopping and the progress
    /// report. Owns the snapshot: dispose it.
    /// </summary>
    internal sealed class EpochTracker : IDisposable
    {
        private readonly int _epochs;
        private readonly int _patience;
        private readonly Action<EpochProgress> _progress;
        private readonly BestWeights _best = new BestWeights();
        private double _bestLoss = double.PositiveInfinity;
        private int _lastEpoch;
        private double _lastMonitored;
        private int _epochsWithoutImprovement;

        /// <param name="epochs">Number of epochs planned (for the progress report).</param>
        /// <param name="patience">Epochs without improvement before stopping; 0 never stops early.</param>
        /// <param name="progress">Told about every epoch; may be null.</param>
        public EpochTracker(int epochs, int patience, Action<EpochProgress> progress)
        {
            _epochs = epochs;
            _patience = patience;
            _progress = progress;
        }

        /// <summary>
        /// Records epoch <paramref name="epoch"/>: snapshots <paramref name="network"/> when its monitored loss is the
        /// best so far, otherwise counts the epoch toward the patience if <paramref name="countsTowardPatience"/>,
        /// reports progress, and returns whether training should stop now.
        /// </summary>
        public bool EndEpoch(nn.Module network, int epoch, double trainingLoss, double? validationLoss, TimeSpan elapsed,
            bool countsTowardPatience = true)
        {
            double monitored = validationLoss ?? trainingLoss;
            _lastEpoch = epoch;
            _lastMonitored = monitored;
            bool isBest = monitored < _bestLoss;
            if (isBest)
            {
                _bestLoss = monitored;
                _epochsWithoutImprovement = 0;
                _best.Snapshot(network);
            }
            else if (countsTowardPatience)
            {
                _epochsWithoutImprovement++;
            }
            _progress?.Invoke(new EpochProgress(epoch, _epochs, trainingLoss, validationLoss, elapsed.TotalSeconds, isBest));
            return _patience > 0 && _epochsWithoutImprovement >= _patience;
        }

        /// <summary>
        /// Puts the best epoch's weights back into <paramref name="network"/>; when no epoch had a finite monitored loss
        /// (a validation loss that is never finite), reports the divergence with the last epoch and its loss.
        /// </summary>
        public void RestoreBest(nn.Module network)
        {
            if (!_best.HasSnapshot)
            {
                throw new InvalidOperationException($"Training diverged: no epoch had a finite monitored loss (epoch {_lastEpoch}: " +
                    $"{_lastMonitored.ToString(System.Globalization.CultureInfo.InvariantCulture)}). Lower the learning rate, set a gradient clipping norm, " +
                    "or check the validation rows for extreme values.");
            }
            _best.Restore(network);
        }

        public void Dispose() => _best.Dispose();

        /// <summary>
        /// A copy of a module's state dict (weights and buffers) taken at its best epoch so far, restored when training
        /// ends. Owns the copies: dispose it.
        /// </summary>
        private sealed class BestWeights : IDisposable
        {
            private readonly Dictionary<string, Tensor> _copies = new Dictionary<string, Tensor>();

            /// <summary>Whether a snapshot was taken.</summary>
            public bool HasSnapshot => _copies.Count > 0;

            /// <summary>Copies every tensor of <paramref name="module"/>'s state dict, overwriting the previous snapshot.</summary>
            public void Snapshot(nn.Module module)
            {
                // The scope holds the temporaries (detach) until the native calls that read them are done: an unreachable
                // TorchSharp object may be finalized during such a call (see Torch/ExplicitScalars).
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                foreach (var (name, value) in module.state_dict())
                {
                    if (_copies.TryGetValue(name, out var copy))
                        copy.copy_(value);
                    else
                        _copies[name] = value.detach().clone().DetachFromDisposeScope();
                }
            }

            /// <summary>Copies the snapshot back into <paramref name="module"/>.</summary>
            public void Restore(nn.Module module)
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                foreach (var (name, value) in module.state_dict())
                    value.copy_(_copies[name]);
            }

            public void Dispose()
            {
                foreach (var t in _copies.Values)
                    t.Dispose();
                _copies.Clear();
            }
        }
    }
}
