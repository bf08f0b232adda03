using System.Runtime.CompilerServices;

// The CLI tests invoke the commands in-process.
[assembly: InternalsVisibleTo("YoloX.Cli.Tests")]
