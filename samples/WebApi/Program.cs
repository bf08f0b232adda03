using Microsoft.AspNetCore.Http.Features;
using YoloX.Extensions.Hosting;
using YoloX.Samples.WebApi;

// YOLOX object detection behind a minimal API: POST /detect (multipart image → detections JSON), GET / (a page that
// draws the boxes over the picked image), GET /health. Settings: appsettings.json sections "YoloX" and "Upload".
var builder = WebApplication.CreateBuilder(args);

var upload = builder.Configuration.GetSection("Upload");
builder.Services.Configure<UploadLimits>(upload);
var maxBytes = upload.GetValue<long?>(nameof(UploadLimits.MaxRequestBytes)) ?? new UploadLimits().MaxRequestBytes;
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = maxBytes);
builder.Services.Configure<FormOptions>(form => form.MultipartBodyLengthLimit = maxBytes);

builder.Services.AddYoloX(options => builder.Configuration.GetSection("YoloX").Bind(options));
builder.Services.AddHealthChecks().AddYoloX();
builder.Services.AddProblemDetails();

var app = builder.Build();
app.UseStatusCodePages();
app.MapGet("/", () => Results.Content(Page.Html, "text/html; charset=utf-8"));
app.MapPost("/detect", DetectEndpoint.HandleAsync).DisableAntiforgery();
app.MapHealthChecks("/health");
app.Run();

/// <summary>The web application (public so that tests can host it with WebApplicationFactory).</summary>
public partial class Program;
