using System;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.Torch;

namespace Microsoft.ML.SeqAutoencoder.MLNet
{
    /// <summary>
    /// Row-at-a-time scoring for <see cref="PredictionEngine{TSrc, TDst}"/> and row-to-row mappers: the network runs
    /// once per input row (keyed by its position) however many outputs are read, and not at all when none is.
    /// </summary>
    internal sealed class SequenceRowMapper : IRowMapper
    {
        private readonly IHost _host;
        private readonly SequenceBinding _binding;
        private readonly ITransformer _parent;

        public SequenceRowMapper(IHost host, SequenceBinding binding, ITransformer parent)
        {
            _host = host;
            _binding = binding;
            _parent = parent;
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
            var value = default(VBuffer<float>);
            float[] scratch = null;
            long position = -1;
            float[][] scored = null;
            float[][] Current()
            {
                if (position != input.Position || scored is null)
                {
                    inputGetter(ref value);
                    SequenceSet row = _binding.NewSet();
                    row.Add(_binding.Input.Read(_host, in value, input.Position, ref scratch));
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

        void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)_parent).Save(ctx);

        public ITransformer GetTransformer() => _parent;
    }
}
