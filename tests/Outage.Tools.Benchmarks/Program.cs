using BenchmarkDotNet.Running;

namespace Outage.Tools.Benchmarks;

/// <summary>Runs the benchmarks chosen with BenchmarkDotNet's --filter (see docs/performance.md).</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
