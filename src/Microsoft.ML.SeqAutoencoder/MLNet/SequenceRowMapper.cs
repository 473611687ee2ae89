using System;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.Scoring;

namespace Microsoft.ML.SeqAutoencoder.MLNet
{
    /// <summary>
    /// Row-at-a-time scoring for <see cref="PredictionEngine{TSrc, TDst}"/> and row-to-row mappers: the
    /// network runs once per input row (keyed by its position) however many outputs are read, and not at
    /// all when none is.
    /// </summary>
    internal sealed class SequenceRowMapper : IRowMapper
    {
        private readonly IHost _host;
        private readonly SequenceOutputBinding _binding;
        private readonly ITransformer _parent;
        private readonly Action<ModelSaveContext> _save;

        public SequenceRowMapper(IHost host, SequenceOutputBinding binding, ITransformer parent, Action<ModelSaveContext> save)
        {
            _host = host;
            _binding = binding;
            _parent = parent;
            _save = save;
        }

        public DataViewSchema.DetachedColumn[] GetOutputColumns() => _binding.Columns;

        public Func<int, bool> GetDependencies(Func<int, bool> activeOutput)
        {
            bool any = false;
            for (int i = 0; i < _binding.Columns.Length; i++)
                any |= activeOutput(i);
            return column => any && column == _binding.InputIndex;
        }

        public Delegate[] CreateGetters(DataViewRow input, Func<int, bool> activeOutput, out Action disposer)
        {
            disposer = null;
            int n = _binding.Columns.Length;
            var active = new bool[n];
            bool any = false;
            for (int i = 0; i < n; i++)
                any |= active[i] = activeOutput(i);
            var getters = new Delegate[n];
            if (!any)
                return getters;

            var inputGetter = input.GetGetter<VBuffer<float>>(input.Schema[_binding.InputIndex]);
            var buffer = default(VBuffer<float>);
            long position = -1;
            ScoredSequence scored = null;
            var row = new float[1][];
            ScoredSequence Current()
            {
                if (position != input.Position || scored is null)
                {
                    row[0] = _binding.Input.Read(_host, inputGetter, ref buffer, input.Position);
                    scored = _binding.Score(row, active)[0];
                    position = input.Position;
                }
                return scored;
            }

            for (int i = 0; i < n; i++)
            {
                if (active[i])
                    getters[i] = _binding.MakeGetter(i, Current);
            }
            return getters;
        }

        void ICanSaveModel.Save(ModelSaveContext ctx) => _save(ctx);

        public ITransformer GetTransformer() => _parent;
    }
}
