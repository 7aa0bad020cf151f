using Xunit.Abstractions;
using Xunit.Sdk;

namespace Bomax.Cli.Tests.Slurm;

/// <summary>
/// A fact that may decide at run time that it cannot run: a <see cref="SkipException"/> (what xunit v3's
/// <c>Assert.Skip</c> throws; <see cref="Skip.Because"/> throws it here) reports the test as skipped with its
/// reason instead of failed. xunit 2.9 has no run-time skip of its own (its assert library carries
/// <c>SkipException</c> but its runner reports it as a failure), so this case rewrites that failure.
/// </summary>
[XunitTestCaseDiscoverer("Bomax.Cli.Tests.Slurm.SkippableFactDiscoverer", "Bomax.Cli.Tests")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class SkippableFactAttribute : FactAttribute;

/// <summary>Skips the running <see cref="SkippableFactAttribute"/> test, saying why.</summary>
internal static class Skip
{
    public static Exception Because(string reason) => SkipException.ForSkip(reason);
}

public sealed class SkippableFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        yield return new SkippableTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(),
            discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
    }
}

public sealed class SkippableTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public SkippableTestCase() { }

    public SkippableTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay methodDisplay, TestMethodDisplayOptions methodDisplayOptions,
        ITestMethod testMethod)
        : base(diagnosticMessageSink, methodDisplay, methodDisplayOptions, testMethod) { }

    public override async Task<RunSummary> RunAsync(IMessageSink diagnosticMessageSink, IMessageBus messageBus, object[] constructorArguments,
        ExceptionAggregator aggregator, CancellationTokenSource cancellationTokenSource)
    {
        var bus = new SkippingMessageBus(messageBus);
        var summary = await base.RunAsync(diagnosticMessageSink, bus, constructorArguments, aggregator, cancellationTokenSource);
        summary.Failed -= bus.Skipped;
        summary.Skipped += bus.Skipped;
        return summary;
    }

    /// <summary>Passes every message on, except a failure by <see cref="SkipException"/>, which becomes a skip with its reason.</summary>
    sealed class SkippingMessageBus(IMessageBus inner) : IMessageBus
    {
        const string Token = "$XunitDynamicSkip$";
        public int Skipped { get; private set; }

        public bool QueueMessage(IMessageSinkMessage message)
        {
            if (message is ITestFailed failed && failed.ExceptionTypes.FirstOrDefault() == typeof(SkipException).FullName)
            {
                Skipped++;
                var reason = failed.Messages.FirstOrDefault() ?? "";
                if (reason.StartsWith(Token, StringComparison.Ordinal)) reason = reason[Token.Length..];
                return inner.QueueMessage(new TestSkipped(failed.Test, reason));
            }
            return inner.QueueMessage(message);
        }

        public void Dispose() { } // the inner bus belongs to the runner
    }
}
