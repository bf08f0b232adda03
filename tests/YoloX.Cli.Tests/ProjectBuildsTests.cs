namespace YoloX.Cli.Tests;
