namespace YoloX.Cli.Tests;

public class ModelsCommandTests
{
    [Fact]
    [Trait("Category", "Slow")]   // builds all seven models (the counts themselves are pinned fast in YoloX.Core.Tests)
    public void Models_prints_the_zoo_table_with_counted_params_and_flops_matching_the_official_print()
    {
        var (exit, output, error) = CliRunner.Run("models");
        Assert.True(exit == 0, error);
        // Params (M) and GFLOPs as the official get_model_info prints them (golden arch_facts), counted from our models.
        foreach (var row in new[]
                 {
                     ("YOLOX-Nano", "416", "0.91", "1.08"), ("YOLOX-Tiny", "416", "5.06", "6.45"), ("YOLOX-S", "640", "8.97", "26.81"),
                     ("YOLOX-M", "640", "25.33", "73.76"), ("YOLOX-L", "640", "54.21", "155.65"), ("YOLOX-X", "640", "99.07", "281.93"),
                 })
        {
            var line = output.Split('\n').FirstOrDefault(l => l.Contains(row.Item1 + " ", StringComparison.Ordinal));
            Assert.True(line is not null, $"no row for {row.Item1} in:\n{output}");
            foreach (var cell in new[] { row.Item2, row.Item3, row.Item4 })
            {
                Assert.Contains($" {cell} ", line, StringComparison.Ordinal);
            }
        }
        Assert.Contains("185.27", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Models_published_prints_the_official_readme_numbers_without_building_models()
    {
        var (exit, output, _) = CliRunner.Run("models", "--published");
        Assert.Equal(0, exit);
        Assert.Contains(" 155.6 ", output, StringComparison.Ordinal);
        Assert.Contains("25.8", output, StringComparison.Ordinal);
    }
}
