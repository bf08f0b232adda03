using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("YoloX.Cli.Tests")]
