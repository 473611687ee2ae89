using System.Linq;
using ScottPlot;

namespace Microsoft.ML.SeqAutoencoder.Cli
{
    /// <summary>The PNG that <c>detect --plot</c> writes.</summary>
    internal static class DetectionPlot
    {
        public static void Save(Detection detection, string path)
        {
            double[] rows = Enumerable.Range(0, detection.Scores.Length).Select(i => (double)i).ToArray();
            int[] alerts = Enumerable.Range(0, rows.Length).Where(i => detection.Alerts[i]).ToArray();
            var figure = new Multiplot();
            Plot scores;
            if (detection.Task == ModelTask.Series)
            {
                figure.AddPlots(2);
                figure.Layout = new ScottPlot.MultiplotLayouts.Grid(2, 1);
                Plot signal = figure.GetPlot(0);
                signal.Add.SignalXY(rows, detection.Signal).LegendText = $"'{detection.Table.Columns[detection.Columns[0]]}'";
                var marks = signal.Add.ScatterPoints(alerts.Select(a => (double)a).ToArray(), alerts.Select(a => detection.Signal[a]).ToArray(), Colors.Red);
                marks.LegendText = "alert";
                signal.Title($"{detection.Table.Path}: signal and alerts");
                signal.ShowLegend(Alignment.UpperLeft);
                scores = figure.GetPlot(1);
                scores.Add.SignalXY(rows, detection.Scores).LegendText = $"raw score (window {detection.Settings.Window})";
                scores.XLabel("row (time step)");
            }
            else
            {
                figure.AddPlots(1);
                scores = figure.GetPlot(0);
                scores.Add.ScatterPoints(rows, detection.Scores).LegendText = "score";
                scores.Add.HorizontalLine(detection.Threshold, color: Colors.Red, pattern: LinePattern.Dashed).LegendText = $"threshold {detection.Threshold:G3}";
                scores.Title($"{detection.Table.Path}: anomaly score per sequence");
                scores.XLabel("row (sequence)");
            }
            var flagged = scores.Add.ScatterPoints(alerts.Select(a => (double)a).ToArray(), alerts.Select(a => detection.Scores[a]).ToArray(), Colors.Red);
            flagged.LegendText = "alert";
            scores.ShowLegend(Alignment.UpperLeft);
            figure.SavePng(path, 1200, detection.Task == ModelTask.Series ? 700 : 450);
        }
    }
}
