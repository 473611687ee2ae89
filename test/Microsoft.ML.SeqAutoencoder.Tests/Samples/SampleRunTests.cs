using System;
using System.IO;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.Samples
{
    /// <summary>
    /// Every sample under samples/ runs in quick mode (tiny epochs and data) as a child process of its built dll in the
    /// shared output folder, prints what it did, and writes a real, non-blank PNG.
    /// </summary>
    public sealed class SampleRunTests : IDisposable
    {
        private readonly string _output = Path.Combine(Path.GetTempPath(), "seqae-samples-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(_output))
                Directory.Delete(_output, recursive: true);
        }

        private ProcessOutcome RunQuick(string sample)
        {
            var outcome = ChildProcess.Run(sample + ".dll", "--quick", "--out", _output);
            Assert.True(outcome.ExitCode == 0, outcome.ToString());
            Assert.DoesNotContain("Exception", outcome.Stderr);
            return outcome;
        }

        [Fact]
        public void DetectAbnormalHeartbeats_ComparesWithRandomizedPcaAndPlots()
        {
            var outcome = RunQuick("DetectAbnormalHeartbeats");
            Assert.Contains("ECG5000: training on the 60 normal beats of TRAIN (140 steps each); scoring 225 TEST beats (132 normal, 93 abnormal).", outcome.Stdout);
            Assert.Contains("Epoch 2/2: loss", outcome.Stdout);
            foreach (string model in new[] { @"LSTM autoencoder \(LstmAutoencoder\)", @"ML\.NET RandomizedPca \(rank 20\)",
                "LSTM autoencoder, threshold at 90% of normal TRAIN scores", "RandomizedPca, threshold at 90% of normal TRAIN scores" })
            {
                Assert.Matches($@"{model}: AUC-PR [01]\.\d{{3}}, ROC-AUC [01]\.\d{{3}}; at its threshold \d+ flagged: precision [01]\.\d{{3}}, recall [01]\.\d{{3}}, accuracy [01]\.\d{{3}}", outcome.Stdout);
            }
            Assert.Matches(@"AUC-PR: LSTM [01]\.\d{3} vs RandomizedPca [01]\.\d{3} \(a random ranking scores 0\.413\)", outcome.Stdout);
            PngCheck.AssertPlot(Path.Combine(_output, "abnormal-heartbeats.png"));
        }

        [Fact]
        public void ExportToOnnxThenScoreWithOnnxRuntimeAlone_AgreeWithMLNet()
        {
            var exported = RunQuick("ExportToOnnx");
            string model = Path.Combine(_output, "heartbeat-anomaly.onnx");
            Assert.Contains($"Exported to {model}", exported.Stdout);
            Assert.True(File.Exists(Path.Combine(_output, "mlnet-scores.csv")));

            var scored = ChildProcess.Run("ScoreWithOnnxRuntime.dll", "--quick", "--model", model);
            Assert.True(scored.ExitCode == 0, scored.ToString());
            Assert.Matches(@"Scored 225 beats in [\d.]+ s .*AUC-PR [01]\.\d{3}", scored.Stdout);
            var difference = System.Text.RegularExpressions.Regex.Match(scored.Stdout, @"Largest difference from ML\.NET's scores \(mlnet-scores\.csv\): (\S+)\.");
            Assert.True(difference.Success, scored.Stdout);
            Assert.True(double.Parse(difference.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) < 1e-5, scored.Stdout);
            Assert.Matches(@"Deployment: this program \d+ MiB \(ONNX Runtime\); scoring with the library \d+ MiB", scored.Stdout);
        }

        [Fact]
        public void EncodeThenClassify_PrintsAccuraciesAndPlotsThePca()
        {
            var outcome = RunQuick("EncodeThenClassify");
            Assert.Contains("JapaneseVowels: 90 training and 124 test utterances of 12 features per frame", outcome.Stdout);
            Assert.Contains("Epoch 2/2: loss", outcome.Stdout);
            Assert.Matches(@"raw values, zero-padded \(276 values\): +0\.\d{3}", outcome.Stdout);
            Assert.Matches(@"encodings \(512 values: 8 segment means of 64 LSTM units\): 0\.\d{3}", outcome.Stdout);
            string png = Path.Combine(_output, "encodings-pca.png");
            Assert.Contains($"Plot written to {png}", outcome.Stdout);
            PngCheck.AssertPlot(png);
        }

        [Fact]
        public void SequenceAnomalies_EvaluatesMovesTheThresholdAndPlots()
        {
            var outcome = RunQuick("SequenceAnomalies");
            Assert.Contains("Training on 70 normal beats; testing on 30 normal and 10 anomalous beats.", outcome.Stdout);
            Assert.Matches(@"AUC-ROC on the test beats: [01]\.\d{3}", outcome.Stdout);
            Assert.Matches(@"Threshold 0\.5 \(the learned one\): \d+ flagged, precision", outcome.Stdout);
            Assert.Matches(@"Threshold 0\.4 \(more sensitive\): \d+ flagged, precision", outcome.Stdout);
            PngCheck.AssertPlot(Path.Combine(_output, "sequence-anomalies.png"));
        }

        [Fact]
        public void StreamingAnomalies_ScoresTheSeriesRunsTheEngineAndPlots()
        {
            var outcome = RunQuick("StreamingAnomalies");
            Assert.Contains("Training the detector on the first 2000 of 4000 steps", outcome.Stdout);
            Assert.Matches(@"Alerts after step 2000: \d+ steps; \d of 5 injected anomalies caught", outcome.Stdout);
            // The online engine agrees with the batch Transform on every compared step.
            Assert.Matches(@"Online engine: 247 steps one at a time, [\d.]+ ms per step; on the last 200 steps 200 alerts agree with Transform", outcome.Stdout);
            PngCheck.AssertPlot(Path.Combine(_output, "streaming-anomalies.png"));
        }

        [Fact]
        public void KerasRecipes_PrintsOneLinePerRecipeAndPlotsAPanelEach()
        {
            var outcome = RunQuick("KerasRecipes");
            foreach (string recipe in new[] { "1 reconstruction", "2 reverse", "3 prediction", "4 composite: rebuild", "4 composite: predict",
                "5 conditional decoder", "6 one-to-many decode" })
                Assert.Matches($@"{recipe} +held-out MSE \d+\.\d{{4}} +\(", outcome.Stdout);
            Assert.Contains("7 encoder alone        frequency from the encoding: MSE", outcome.Stdout);
            PngCheck.AssertPlot(Path.Combine(_output, "keras-recipes.png"), minHeight: 1000);
        }
    }
}
