using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.TestData
{
    /// <summary>Checks that a file is a real, non-blank PNG: signature, IHDR, decodable pixels, many colours.</summary>
    internal static class PngCheck
    {
        private static readonly byte[] _signature = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };

        /// <summary>Returns width, height and the number of distinct pixel colours.</summary>
        public static (int Width, int Height, int Colours) Inspect(string path)
        {
            Assert.True(File.Exists(path), $"{path} was not written");
            byte[] bytes = File.ReadAllBytes(path);
            Assert.True(bytes.AsSpan(0, 8).SequenceEqual(_signature), $"{path} is not a PNG");
            int width = 0, height = 0, bitDepth = 0, colourType = 0;
            var idat = new MemoryStream();
            for (int at = 8; at < bytes.Length;)
            {
                int length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
                string type = System.Text.Encoding.ASCII.GetString(bytes, at + 4, 4);
                var data = bytes.AsSpan(at + 8, length);
                if (type == "IHDR")
                {
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    bitDepth = data[8];
                    colourType = data[9];
                    Assert.Equal(0, data[12]);   // not interlaced
                }
                else if (type == "IDAT")
                {
                    idat.Write(data);
                }
                at += 12 + length;
            }
            Assert.True(bitDepth == 8 && (colourType == 2 || colourType == 6), $"{path}: unexpected PNG format (bit depth {bitDepth}, colour type {colourType})");
            int channels = colourType == 6 ? 4 : 3, stride = width * channels;
            idat.Position = 0;
            using var inflated = new ZLibStream(idat, CompressionMode.Decompress);
            var pixels = new byte[height * stride];
            var previous = new byte[stride];
            var row = new byte[stride + 1];
            var colours = new HashSet<int>();
            for (int y = 0; y < height; y++)
            {
                inflated.ReadExactly(row);
                var line = pixels.AsSpan(y * stride, stride);
                for (int x = 0; x < stride; x++)
                {
                    int a = x >= channels ? line[x - channels] : 0, b = previous[x], c = x >= channels ? previous[x - channels] : 0;
                    int raw = row[x + 1];
                    line[x] = (byte)(row[0] switch
                    {
                        0 => raw,
                        1 => raw + a,
                        2 => raw + b,
                        3 => raw + (a + b) / 2,
                        4 => raw + Paeth(a, b, c),
                        _ => throw new InvalidDataException($"bad PNG filter {row[0]}"),
                    });
                }
                line.CopyTo(previous);
                for (int x = 0; x < stride; x += channels)
                    colours.Add(line[x] << 16 | line[x + 1] << 8 | line[x + 2]);
            }
            return (width, height, colours.Count);
        }

        /// <summary>Asserts a PNG of at least the given size in pixels, with more than a handful of colours and some KB.</summary>
        public static void AssertPlot(string path, int minWidth = 400, int minHeight = 300)
        {
            var (width, height, colours) = Inspect(path);
            Assert.True(width >= minWidth && height >= minHeight, $"{path}: {width}×{height} pixels");
            Assert.True(colours >= 16, $"{path}: only {colours} distinct colours; the plot looks blank");
            Assert.True(new FileInfo(path).Length > 10_000, $"{path}: only {new FileInfo(path).Length} bytes");
        }

        private static int Paeth(int a, int b, int c)
        {
            int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
            return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }
    }
}
