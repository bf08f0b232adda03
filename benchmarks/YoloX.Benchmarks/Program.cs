using BenchmarkDotNet.Running;

// Runs the benchmarks chosen on the command line, e.g. `./build.sh bench --filter '*Forward*'`.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
