using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace YoloX.Cli.Rendering;

/// <summary>
/// Examples printed after a command's <c>--help</c> (System.CommandLine lists only the description): each command
/// registers its examples; <see cref="Install"/> wraps the root's help action to append them.
/// </summary>
internal static class HelpExamples
{
    private static readonly Dictionary<string, string[]> ByCommand = new(StringComparer.Ordinal);

    /// <summary>Registers the examples of <paramref name="command"/> and returns it.</summary>
    public static T Add<T>(T command, params string[] examples) where T : Command
    {
        ByCommand[command.Name] = examples;
        return command;
    }

    /// <summary>Appends the examples of the command whose help is shown.</summary>
    public static void Install(RootCommand root)
    {
        var help = root.Options.OfType<HelpOption>().First();
        help.Action = new WithExamples((SynchronousCommandLineAction)help.Action!);
    }

    private sealed class WithExamples(SynchronousCommandLineAction inner) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var result = inner.Invoke(parseResult);
            if (ByCommand.TryGetValue(parseResult.CommandResult.Command.Name, out var examples))
            {
                var output = parseResult.InvocationConfiguration.Output;
                output.WriteLine("Examples:");
                foreach (var example in examples)
                {
                    output.WriteLine($"  {example}");
                }
                output.WriteLine();
            }
            return result;
        }
    }
}
