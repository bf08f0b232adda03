using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using YoloX.Inference;
using YoloX.Testing;

namespace YoloX.Extensions.Hosting.Tests;

/// <summary>
/// The web sample end to end in a real headless browser: Debian's chromium (eng/system-packages.txt) driven by
/// Microsoft.Playwright, no browser download. Picks dog.jpg in the page and checks the boxes it draws. Runs in CI
/// (24 s measured here on a heavily loaded 2-core machine): a missing chromium fails the test, it does not skip it, and the page is saved as
/// <c>screenshots/webapi-dog.png</c> in the test output folder whether the checks pass or not.
/// </summary>
public class BrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Page_draws_a_box_over_each_detection_of_the_picked_image()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run eng/setup-system.sh (installs Debian's chromium).");
        using var factory = new WebApiFactory();
        factory.UseKestrel(0);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1000, Height = 900 } });
        await page.GotoAsync(address + "/");
        await page.SetInputFilesAsync("#file", SharedAssets.DogJpg);
        try
        {
            await page.Locator("#status[data-state='done']").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        }
        finally
        {
            // Saved before the checks, so a failing run still shows what the page looked like.
            await SaveScreenshot(page);
        }

        // What the server found, straight from the library, in image pixels.
        var detector = factory.Services.GetRequiredService<YoloXDetector>();
        var expected = detector.Detect(SharedAssets.DogJpg).Detections;
        var picture = (await page.Locator("#picture").BoundingBoxAsync())!;
        var scale = picture.Width / 768.0;

        var boxes = page.Locator(".box");
        Assert.Equal(expected.Count, await boxes.CountAsync());
        for (var i = 0; i < expected.Count; i++)
        {
            var box = boxes.Nth(i);
            Assert.Equal(expected[i].ClassName, await box.GetAttributeAsync("data-class-name"));
            Assert.StartsWith(expected[i].ClassName + " ", await box.InnerTextAsync(), StringComparison.Ordinal);
            var drawn = (await box.BoundingBoxAsync())!;
            // Drawn over the picture where the detection is (CSS pixels; 1 px for layout rounding).
            Assert.Equal(picture.X + expected[i].Box.X1 * scale, drawn.X, 1.0);
            Assert.Equal(picture.Y + expected[i].Box.Y1 * scale, drawn.Y, 1.0);
            Assert.Equal((expected[i].Box.X2 - expected[i].Box.X1) * scale, drawn.Width, 1.0);
            Assert.Equal((expected[i].Box.Y2 - expected[i].Box.Y1) * scale, drawn.Height, 1.0);
        }
        Assert.Contains(expected, d => d.ClassName == "dog");
        Assert.Equal($"{expected.Count} objects found.", await page.Locator("#status").InnerTextAsync());
        Assert.True(new FileInfo(ScreenshotPath).Length > 10_000, $"the screenshot {ScreenshotPath} is missing or empty");
    }

    /// <summary>The screenshot in the test output folder (bin/…/screenshots), where CI collects it.</summary>
    private static string ScreenshotPath => Path.Combine(AppContext.BaseDirectory, "screenshots", "webapi-dog.png");

    private static async Task SaveScreenshot(IPage page)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ScreenshotPath)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath, FullPage = true });
    }
}
