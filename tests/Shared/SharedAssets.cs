namespace YoloX.Testing;

/// <summary>
/// Locates the read-only shared material (official weights, images, datasets, golden fixtures).
/// One setting: the <c>YOLOX_SHARED</c> environment variable, else <c>../shared</c> beside the repository root.
/// </summary>
internal static class SharedAssets
{
    public const string EnvironmentVariable = "YOLOX_SHARED";

    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The shared folder; throws with the setting's name when it cannot be found.</summary>
    public static string Root => RootPath.Value;

    public static string Golden(string relative) => Require(Path.Combine(Root, "golden", relative));

    public static string Asset(string relative) => Require(Path.Combine(Root, "assets", relative));

    public static string NanoOnnx => Asset("weights/yolox_nano.onnx");

    public static string DogJpg => Asset("images/dog.jpg");

    private static string Require(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new FileNotFoundException(
                $"Shared test material '{path}' is missing. Set {EnvironmentVariable} to the shared folder " +
                $"(currently resolved to '{Root}').", path);
        }
        return path;
    }

    private static string FindRoot()
    {
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return Path.GetFullPath(fromEnv);
        }
        // Walk up from the test binary to the repository root (the folder holding YoloX.sln); ../shared is beside it.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "YoloX.sln")))
            {
                var candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
                throw new DirectoryNotFoundException(
                    $"Shared test material not found at '{candidate}'. Set {EnvironmentVariable} to the shared folder.");
            }
        }
        throw new DirectoryNotFoundException(
            $"Cannot find the repository root from '{AppContext.BaseDirectory}'. Set {EnvironmentVariable} to the shared folder.");
    }
}
