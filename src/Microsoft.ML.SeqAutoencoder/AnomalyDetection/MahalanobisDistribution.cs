using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.ML.SeqAutoencoder.Persistence;

namespace Microsoft.ML.SeqAutoencoder.AnomalyDetection
{
    /// <summary>
    /// A multivariate normal fitted to per-step error vectors (Malhotra et al. 2016, EncDec-AD): mean μ and the
    /// inverse of the regularized covariance Σ + λ·I, in double precision, inverted through its Cholesky factor.
    /// </summary>
    internal sealed class MahalanobisDistribution
    {
        private readonly double[] _mean;
        private readonly double[] _precision;

        private MahalanobisDistribution(double[] mean, double[] precision)
        {
            _mean = mean;
            _precision = precision;
        }

        /// <summary>Dimension F of the error vectors.</summary>
        public int Dimension => _mean.Length;

        /// <summary>μ.</summary>
        public IReadOnlyList<double> Mean => _mean;

        /// <summary>(Σ + λ·I)⁻¹, row-major F×F.</summary>
        public IReadOnlyList<double> Precision => _precision;

        /// <summary>
        /// Fits μ and (Σ + λ·I)⁻¹ on every F-value vector of <paramref name="errors"/> (each array holds whole
        /// steps, step-major). Σ is the maximum-likelihood covariance; λ &gt; 0 keeps it positive definite even
        /// when a feature never varies.
        /// </summary>
        public static MahalanobisDistribution Fit(IEnumerable<double[]> errors, int dimension, double regularization)
        {
            if (!(regularization > 0) || double.IsInfinity(regularization))
                throw new ArgumentOutOfRangeException(nameof(regularization), regularization, "Must be a positive finite number.");
            int f = dimension;
            var sum = new double[f];
            long n = 0;
            foreach (double[] row in errors)
            {
                for (int i = 0; i < row.Length; i++)
                    sum[i % f] += row[i];
                n += row.Length / f;
            }
            if (n == 0)
                throw new ArgumentException("At least one error vector is needed.", nameof(errors));
            var mean = new double[f];
            for (int j = 0; j < f; j++)
                mean[j] = sum[j] / n;

            var covariance = new double[f * f];
            var centered = new double[f];
            foreach (double[] row in errors)
            {
                for (int start = 0; start < row.Length; start += f)
                {
                    for (int j = 0; j < f; j++)
                        centered[j] = row[start + j] - mean[j];
                    for (int a = 0; a < f; a++)
                        for (int b = 0; b <= a; b++)
                            covariance[a * f + b] += centered[a] * centered[b];
                }
            }
            for (int a = 0; a < f; a++)
            {
                for (int b = 0; b <= a; b++)
                {
                    double c = covariance[a * f + b] / n + (a == b ? regularization : 0);
                    covariance[a * f + b] = c;
                    covariance[b * f + a] = c;
                }
            }
            return new MahalanobisDistribution(mean, InvertPositiveDefinite(covariance, f));
        }

        /// <summary>(e − μ)ᵀ (Σ + λ·I)⁻¹ (e − μ) for the F values of <paramref name="error"/>.</summary>
        public double Distance(ReadOnlySpan<double> error)
        {
            int f = _mean.Length;
            Span<double> d = f <= 64 ? stackalloc double[f] : new double[f];
            for (int j = 0; j < f; j++)
                d[j] = error[j] - _mean[j];
            double total = 0;
            for (int a = 0; a < f; a++)
            {
                double row = 0;
                for (int b = 0; b < f; b++)
                    row += _precision[a * f + b] * d[b];
                total += d[a] * row;
            }
            return total;
        }

        /// <summary>Inverse of a symmetric positive definite matrix: A = L·Lᵀ, A⁻¹ = L⁻ᵀ·L⁻¹.</summary>
        internal static double[] InvertPositiveDefinite(double[] matrix, int n)
        {
            var l = new double[n * n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j <= i; j++)
                {
                    double s = matrix[i * n + j];
                    for (int k = 0; k < j; k++)
                        s -= l[i * n + k] * l[j * n + k];
                    if (i == j)
                    {
                        if (!(s > 0))
                            throw new InvalidOperationException("The regularized error covariance is not positive definite; increase the regularization.");
                        l[i * n + i] = Math.Sqrt(s);
                    }
                    else
                    {
                        l[i * n + j] = s / l[j * n + j];
                    }
                }
            }

            // L⁻¹ by forward substitution, column by column.
            var lInv = new double[n * n];
            for (int c = 0; c < n; c++)
            {
                for (int i = c; i < n; i++)
                {
                    double s = i == c ? 1 : 0;
                    for (int k = c; k < i; k++)
                        s -= l[i * n + k] * lInv[k * n + c];
                    lInv[i * n + c] = s / l[i * n + i];
                }
            }

            var inverse = new double[n * n];
            for (int a = 0; a < n; a++)
            {
                for (int b = 0; b <= a; b++)
                {
                    double s = 0;
                    for (int k = a; k < n; k++)
                        s += lInv[k * n + a] * lInv[k * n + b];
                    inverse[a * n + b] = s;
                    inverse[b * n + a] = s;
                }
            }
            return inverse;
        }

        /// <summary>Writes F, μ and the precision matrix.</summary>
        public void Save(BinaryWriter writer)
        {
            writer.Write(_mean.Length);
            foreach (double v in _mean)
                writer.Write(v);
            foreach (double v in _precision)
                writer.Write(v);
        }

        /// <summary>
        /// Reads what <see cref="Save"/> wrote; a damaged stream gives the decode exception of <see cref="ModelDecode"/>,
        /// before anything is allocated when the stream cannot hold F + F² values.
        /// </summary>
        public static MahalanobisDistribution Load(BinaryReader reader, int expectedDimension)
        {
            int f = reader.ReadInt32();
            if (f != expectedDimension)
                throw ModelDecode.Damaged($"Not a valid model: the error distribution has dimension {f}; the autoencoder has {expectedDimension} features per step.");
            ModelDecode.Count(reader, f + (long)f * f, sizeof(double), "error distribution values");
            var mean = new double[f];
            for (int j = 0; j < f; j++)
                mean[j] = reader.ReadDouble();
            var precision = new double[f * f];
            for (int j = 0; j < precision.Length; j++)
                precision[j] = reader.ReadDouble();
            if (!Array.TrueForAll(mean, double.IsFinite) || !Array.TrueForAll(precision, double.IsFinite))
                throw ModelDecode.Damaged("Not a valid model: the error distribution holds non-finite values.");
            return new MahalanobisDistribution(mean, precision);
        }
    }
}
