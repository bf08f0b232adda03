using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using YoloX.Testing;

namespace YoloX.Extensions.Hosting.Tests;

/// <summary>Hosts samples/WebApi with the official YOLOX-Nano ONNX weights from the shared material.</summary>
public sealed class WebApiFactory : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("YoloX:Weights", SharedAssets.NanoOnnx);
        builder.UseSetting("YoloX:Model", "nano");
        // Small limits so that the limit tests need no large uploads.
        builder.UseSetting("Upload:MaxRequestBytes", "2000000");
        builder.UseSetting("Upload:MaxPixels", "1000000");
    }
}
