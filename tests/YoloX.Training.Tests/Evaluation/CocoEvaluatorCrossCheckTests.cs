using Xunit;
using YoloX.Training.Evaluation;

namespace YoloX.Training.Tests.Evaluation;

public sealed class CocoEvaluatorCrossCheckTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    public void Optimised_evaluator_equals_a_literal_COCOeval_transcription_on_random_data(int seed)
    {
        var (images, categories, gts, dts) = RandomCase(seed);
        var p = CocoEvaluationParameters.Default;
        var fast = new CocoEvaluator(p).Evaluate(images, categories, gts, dts);
        var literal = new LiteralCocoEval(p);
        literal.Run(images, categories, gts, dts);

        for (var t = 0; t < 10; t++)
        {
            for (var k = 0; k < categories.Length; k++)
            {
                for (var a = 0; a < 4; a++)
                {
                    for (var m = 0; m < 3; m++)
                    {
                        Assert.Equal(literal.Recall[t, k, a, m], fast.Recall(t, k, a, m));
                        for (var r = 0; r < 101; r++)
                        {
                            Assert.Equal(literal.Precision[t, r, k, a, m], fast.Precision(t, r, k, a, m));
                        }
                    }
                }
            }
        }
    }

    private static (long[], CocoCategory[], CocoGroundTruth[], CocoDetection[]) RandomCase(int seed)
    {
        var random = new Random(seed);
        long[] images = [.. Enumerable.Range(1, 12).Select(i => (long)i * 3)];
        CocoCategory[] categories = [new(7, "a"), new(2, "b"), new(11, "c")];
        var gts = new List<CocoGroundTruth>();
        var dts = new List<CocoDetection>();
        foreach (var image in images)
        {
            var local = new List<CocoGroundTruth>();
            for (var n = random.Next(0, 8); n > 0; n--)
            {
                var w = Math.Round(Math.Exp(random.NextDouble() * 5 + 1), 2);
                var h = Math.Round(w * (0.5 + random.NextDouble()), 2);
                var g = new CocoGroundTruth(gts.Count + 1, image, categories[random.Next(3)].Id,
                    Math.Round(random.NextDouble() * 500, 2), Math.Round(random.NextDouble() * 400, 2), w, h,
                    random.NextDouble() < 0.2 ? 1024 : w * h * (0.7 + 0.3 * random.NextDouble()), random.NextDouble() < 0.1);
                gts.Add(g);
                local.Add(g);
            }
            // Some images get more than 100 detections; scores on a coarse grid create ties.
            var detCount = random.NextDouble() < 0.2 ? 130 : random.Next(0, 25);
            for (var n = 0; n < detCount; n++)
            {
                var score = Math.Round(random.NextDouble(), 1);
                if (local.Count > 0 && random.NextDouble() < 0.6)
                {
                    var g = local[random.Next(local.Count)];
                    var j = 0.3 * random.NextDouble();
                    dts.Add(new CocoDetection(image, random.NextDouble() < 0.85 ? g.CategoryId : categories[random.Next(3)].Id,
                        Math.Round(g.X + j * g.Width * (random.NextDouble() - 0.5), 2),
                        Math.Round(g.Y + j * g.Height * (random.NextDouble() - 0.5), 2),
                        Math.Round(g.Width * (1 + j * (random.NextDouble() - 0.5)), 2),
                        Math.Round(g.Height * (1 + j * (random.NextDouble() - 0.5)), 2), score));
                }
                else
                {
                    dts.Add(new CocoDetection(image, categories[random.Next(3)].Id, random.NextDouble() * 500,
                        random.NextDouble() * 400, Math.Exp(random.NextDouble() * 5 + 1), Math.Exp(random.NextDouble() * 5 + 1), score));
                }
            }
        }
        return (images, categories, [.. gts], [.. dts]);
    }
}
