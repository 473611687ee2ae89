using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.Layout
{
    /// <summary>
    /// The library's sources follow the rule of <c>Torch/ExplicitScalars</c>: no implicitly converted Scalar reaches
    /// TorchSharp. A source check catches the forms a change most likely brings back (a number written into a tensor call,
    /// the one-argument <c>add</c>/<c>add_</c> with its hidden alpha); values in variables are covered by the training
    /// tests beside forced collections (<c>Training/AdamOptimizerTests</c>).
    /// </summary>
    public sealed class ExplicitScalarSourceTests
    {
        private static readonly Regex NumberInTensorCall = new Regex(
            @"\.(add|sub|mul|div|pow|ge|gt|le|lt|eq|ne|clamp|clamp_min|clamp_max|fill|masked_fill|addcmul|addcdiv|remainder|fmod|lerp)_?\((?:[^();]*,\s*)?-?\d+(?:\.\d+)?[fdL]?\s*[,)]");

        private static readonly Regex OneArgumentAdd = new Regex(@"\.add_?\(\s*[^,();]+\)");

        private static bool Violates(string code) => NumberInTensorCall.IsMatch(code) || OneArgumentAdd.IsMatch(code);

        [Theory]
        [InlineData("var s = x.sub(target).pow_(2);", true)]
        [InlineData("return x.mul(keep).div_(1 - p);", false)] // an expression: not caught here, see the remarks
        [InlineData("loss = loss.add(other);", true)]
        [InlineData("x.mul(std).add_(mean);", true)]
        [InlineData("m.mul_(0.9).add_(g, rest);", true)]
        [InlineData("y.clamp_min(0);", true)]
        [InlineData("x.sub(target).pow_(two);", false)]
        [InlineData("loss.add(other, ExplicitScalars.One);", false)]
        [InlineData("steps.gather(1, index);", false)]
        [InlineData("x.softmax(1);", false)]
        public void TheCheckTellsImplicitScalarsApart(string code, bool violates) => Assert.Equal(violates, Violates(code));

        [Fact]
        public void NoSourceFileHandsTorchSharpAnImplicitScalar()
        {
            string src = FolderDependencyTests.FindSource();
            var offenders = Directory.GetFiles(src, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
                .SelectMany(f => FolderDependencyTests.StripComments(File.ReadAllText(f)).Split('\n')
                    .Select((line, i) => (File: Path.GetRelativePath(src, f), Line: i + 1, Code: line.Trim())))
                .Where(l => Violates(l.Code))
                .Select(l => $"{l.File}:{l.Line}: {l.Code}")
                .ToArray();
            Assert.True(offenders.Length == 0, "Implicit Scalars (see Torch/ExplicitScalars):\n" + string.Join("\n", offenders));
        }
    }
}
