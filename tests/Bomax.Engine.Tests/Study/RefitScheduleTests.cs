using Bomax.Engine.Model;

namespace Bomax.Engine.Tests.Study;

public class RefitScheduleTests
{
    [Theory]
    [InlineData(10, 1)]
    [InlineData(142, 2)]
    [InlineData(430, 5)]
    [InlineData(860, 11)]
    [InlineData(1000, 12)]
    [InlineData(1500, 63)]
    [InlineData(2000, 200)]
    [InlineData(4000, 400)]
    public void TheIntervalGrowsWithTheDataAndPast1000ObservationsWithTheFitsCost(int observations, int interval) =>
        Assert.Equal(interval, RefitSchedule.Interval(observations, fitObservationLimit: 2000));

    [Fact]
    public void ARefitIsDueOnceTheIntervalHasPassedSinceTheLast()
    {
        Assert.True(RefitSchedule.IsDue(142, 0));
        Assert.False(RefitSchedule.IsDue(430, 426));
        Assert.True(RefitSchedule.IsDue(430, 425));
        Assert.False(RefitSchedule.IsDue(4000, 3620, 2000));
        Assert.True(RefitSchedule.IsDue(4000, 3600, 2000));
    }
}
