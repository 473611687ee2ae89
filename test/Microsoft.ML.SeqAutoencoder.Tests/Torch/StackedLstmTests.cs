using System.Linq;
using Microsoft.ML.SeqAutoencoder.Torch;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Tests.Torch
{
    public sealed class StackedLstmTests
    {
        /// <summary>
        /// The RepeatVector shortcut (input weights applied once) must be the same function as libtorch's LSTM on the
        /// repeated input, with the same gradients for every weight and for the input, for one and for stacked layers.
        /// </summary>
        [Theory]
        [InlineData(new[] { 16 })]
        [InlineData(new[] { 12, 8 })]
        public void ForwardRepeatedEqualsForwardOnRepeatedInput(int[] hiddenSizes)
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator(7, CPU);
            using var lstm = new StackedLstm("lstm", 5, hiddenSizes, dropout: 0);
            TorchInit.UniformLikePyTorch(lstm, generator);
            const long steps = 9;

            Tensor codeA = randn(new long[] { 3, 5 }, generator: generator).requires_grad_();
            Tensor codeB = codeA.detach().clone().requires_grad_();

            Tensor expected = lstm.Forward(codeA.unsqueeze(1).expand(3, steps, 5), null);
            expected.pow(2).sum().backward();
            var expectedGrads = lstm.parameters().Select(p => p.grad.clone()).ToArray();
            Tensor expectedInputGrad = codeA.grad.clone();
            lstm.zero_grad();

            Tensor actual = lstm.ForwardRepeated(codeB, steps, null);
            actual.pow(2).sum().backward();

            Assert.Equal(expected.shape, actual.shape);
            Assert.True(actual.allclose(expected, rtol: 1e-4, atol: 1e-5), $"max difference {(actual - expected).abs().max().item<float>()}");
            var grads = lstm.parameters().Select(p => p.grad).ToArray();
            for (int i = 0; i < grads.Length; i++)
                Assert.True(grads[i].allclose(expectedGrads[i], rtol: 1e-4, atol: 1e-5), $"gradient {i}: max difference {(grads[i] - expectedGrads[i]).abs().max().item<float>()}");
            Assert.True(codeB.grad.allclose(expectedInputGrad, rtol: 1e-4, atol: 1e-5));
        }
    }
}
