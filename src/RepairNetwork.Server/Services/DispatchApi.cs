using System.Diagnostics;
using Grpc.Core;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Grains.Dispatch;
using RepairNetwork.Grains.Orders;
using RepairNetwork.Server.Errors;
using RepairNetwork.Server.Mapping;
using RepairNetwork.Server.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Services;

/// <summary>
/// National routing: jobs stream in, are collected into windows, each window is planned by the
/// <see cref="BatchPlanner"/> and (unless a dry run) turned into repair orders offered to their
/// planned outlets; results stream back per window, then a closing report.
/// </summary>
public sealed partial class DispatchApi(BatchPlanner planner, IGrainFactory grains, ILogger<DispatchApi> logger, Grains.Catalog.CapabilityCatalogCache catalog) : Api.DispatchService.DispatchServiceBase
{
    /// <summary>Results per response message.</summary>
    public const int ResultsPerMessage = 1_000;

    /// <summary>Orders created at once in a non-dry-run window.</summary>
    public const int OrderParallelism = 32;

    public override async Task RouteBatch(IAsyncStreamReader<Api.RouteBatchRequest> requestStream, IServerStreamWriter<Api.RouteBatchResponse> responseStream, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        if (!await requestStream.MoveNext(ct))
        {
            throw RpcErrors.InvalidArgument("start", "must be the first message of the stream");
        }

        var settings = DispatchMapping.ToSettings(requestStream.Current);
        var actor = LifecycleMapping.ToActor(Caller.From(context.GetHttpContext().User) ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "a valid bearer token is required")));
        var run = new BatchRun(settings, planner, grains, actor, responseStream, this, ct);

        while (await requestStream.MoveNext(ct))
        {
            var message = requestStream.Current;
            if (message.KindCase != Api.RouteBatchRequest.KindOneofCase.Jobs)
            {
                throw message.KindCase == Api.RouteBatchRequest.KindOneofCase.Start
                    ? RpcErrors.InvalidArgument("start", "may only be sent as the first message")
                    : RpcErrors.Required("jobs");
            }

            if (message.Jobs.Jobs.Count > DispatchMapping.MaxJobsPerMessage)
            {
                throw RpcErrors.InvalidArgument("jobs.jobs", $"at most {DispatchMapping.MaxJobsPerMessage} jobs per message (got {message.Jobs.Jobs.Count})");
            }

            foreach (var job in message.Jobs.Jobs)
            {
                await run.Add(job);
            }

            await run.FlushRejected();
            if (message.Jobs.EndWindow)
            {
                await run.RouteWindow();
            }
        }

        await run.RouteWindow();
        await responseStream.WriteAsync(new Api.RouteBatchResponse { Report = run.Report() }, ct);
    }

    /// <summary>One batch in progress: the open window, what was planned, and the tally for the report.</summary>
    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {BatchId} window {Window}: {Jobs} jobs planned in {FindingMs:0} ms finding candidates, {ReadingMs:0} ms reading the capacity of {Outlets} outlets, {AssigningMs:0} ms assigning, {Rounds} rounds")]
    private partial void LogWindow(string batchId, int window, int jobs, double findingMs, double readingMs, int outlets, double assigningMs, int rounds);

    /// <summary>The silo's copy of the capability catalog; batch jobs are checked against it like single orders.</summary>
    private Domain.Catalog.CapabilityCatalog Catalog => catalog.Current;

    private sealed class BatchRun(RouteBatchSettings settings, BatchPlanner planner, IGrainFactory grains, Actor actor, IServerStreamWriter<Api.RouteBatchResponse> responses, DispatchApi api, CancellationToken ct)
    {
        private readonly List<RouteJobInput> _window = [];
        private readonly List<Api.RouteResult> _rejected = [];
        private readonly HashSet<string> _jobIds = new(StringComparer.Ordinal);

        // Capacity planned by earlier windows of a dry run (nothing booked, so the outlets do not know).
        private readonly Dictionary<string, int> _plannedEarlier = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (int Assigned, int CapacityBefore)> _loads = new(StringComparer.Ordinal);
        private readonly Dictionary<Api.RouteUnassignedCode, (int Count, string Example)> _reasons = [];
        private readonly List<double> _distances = [];
        private double _nearestSum;
        private int _jobs;
        private int _unassigned;
        private int _windows;
        private int _fellBack;
        private readonly Stopwatch _planning = new();

        public async Task Add(Api.RouteJob job)
        {
            _jobs++;
            RouteJobInput input;
            try
            {
                input = DispatchMapping.ToDomain(job, settings);
                api.Catalog.RequireKnown(input.Job.Job.Capability, input.Order?.Product.Category);
            }
            catch (Exception ex) when (DispatchMapping.Rejected(job, ex) is { } rejected)
            {
                _rejected.Add(rejected);
                return;
            }

            if (!_jobIds.Add(input.JobId))
            {
                _rejected.Add(DispatchMapping.Rejected(job, StatusCode.InvalidArgument, $"job_id: '{input.JobId}' appears more than once in this batch"));
                return;
            }

            _window.Add(input);
            if (_window.Count >= settings.WindowSize)
            {
                await FlushRejected();
                await RouteWindow();
            }
        }

        public async Task FlushRejected()
        {
            if (_rejected.Count > 0)
            {
                await Send(_rejected, _windows + 1);
                _rejected.Clear();
            }
        }

        public async Task RouteWindow()
        {
            await FlushRejected();
            if (_window.Count == 0)
            {
                return;
            }

            var window = ++_windows;
            _planning.Start();
            var plan = await planner.Plan([.. _window.Select(j => j.Job)], settings.CandidatesPerJob, _plannedEarlier);
            _planning.Stop();
            api.LogWindow(settings.BatchId, window, _window.Count, plan.FindingCandidates.TotalMilliseconds, plan.ReadingCapacity.TotalMilliseconds, plan.CapacityBefore.Count, plan.Assigning.TotalMilliseconds, plan.Rounds);
            foreach (var (outletId, before) in plan.CapacityBefore)
            {
                _loads[outletId] = (_loads.GetValueOrDefault(outletId).Assigned, before);
            }

            // Planned jobs first and to the end, then those the plan could not place: their orders are
            // dispatched the normal way and must not take a slot the plan gave to another job.
            // Priority first within each.
            var byPriority = Enumerable.Range(0, _window.Count).OrderByDescending(i => _window[i].Job.Priority).ThenBy(i => i).ToList();
            var planned = byPriority.Where(i => plan.Jobs[i].Decision.Assigned).Chunk(ResultsPerMessage);
            var unplanned = byPriority.Where(i => !plan.Jobs[i].Decision.Assigned).Chunk(ResultsPerMessage);
            foreach (var chunk in planned.Concat(unplanned))
            {
                var results = new Api.RouteResult[chunk.Length];
                if (settings.DryRun)
                {
                    for (var i = 0; i < chunk.Length; i++)
                    {
                        results[i] = Planned(_window[chunk[i]], plan.Jobs[chunk[i]]);
                    }
                }
                else
                {
                    await Parallel.ForEachAsync(Enumerable.Range(0, chunk.Length), new ParallelOptions { MaxDegreeOfParallelism = OrderParallelism, CancellationToken = ct }, async (i, _) =>
                    {
                        results[i] = await Book(_window[chunk[i]], plan.Jobs[chunk[i]]);
                    });
                }

                foreach (var result in results)
                {
                    Count(result);
                }

                await Send(results, window);
            }

            _window.Clear();
        }

        public Api.RouteBatchReport Report()
        {
            var sorted = RouteStatistics.Sorted(_distances);
            var report = new Api.RouteBatchReport
            {
                BatchId = settings.BatchId,
                DryRun = settings.DryRun,
                Jobs = _jobs,
                Assigned = _distances.Count,
                Unassigned = _unassigned,
                Rejected = _jobs - _distances.Count - _unassigned,
                MeanDistanceKm = sorted.Length == 0 ? 0 : Math.Round(sorted.Average(), 3),
                P95DistanceKm = Math.Round(RouteStatistics.Percentile(sorted, 0.95), 3),
                NearestMeanDistanceKm = sorted.Length == 0 ? 0 : Math.Round(_nearestSum / sorted.Length, 3),
                Windows = _windows,
                FellBack = _fellBack,
                PlanningSeconds = Math.Round(_planning.Elapsed.TotalSeconds, 3),
            };
            report.UnassignedReasons.AddRange(_reasons.OrderBy(r => r.Key).Select(r => new Api.RouteReasonCount { Code = r.Key, Count = r.Value.Count, Example = r.Value.Example }));
            report.OutletLoads.AddRange(_loads.Where(l => l.Value.Assigned > 0).OrderBy(l => l.Key, StringComparer.Ordinal)
                .Select(l => new Api.RouteOutletLoad { OutletId = l.Key, Assigned = l.Value.Assigned, CapacityLeftBefore = l.Value.CapacityBefore }));
            return report;
        }

        private Api.RouteResult Planned(RouteJobInput input, PlannedJob planned)
        {
            var decision = planned.Decision;
            if (decision.OutletId is { } outletId)
            {
                _plannedEarlier[outletId] = _plannedEarlier.GetValueOrDefault(outletId) + 1;
                return DispatchMapping.Assigned(input, outletId, decision.DistanceKm, planned.NearestCapableKm, outletId, string.Empty);
            }

            return DispatchMapping.Unassigned(input, DispatchMapping.ToProto(decision.Failure), decision.FailureReason, planned.NearestCapableKm, string.Empty, string.Empty);
        }

        /// <summary>Creates the job's order through the normal order path, aimed at the planned outlet.</summary>
        private async Task<Api.RouteResult> Book(RouteJobInput input, PlannedJob planned)
        {
            var decision = planned.Decision;
            var orderId = RepairRequests.OrderIdFor(input.Order!.RequestId);
            RepairOrder order;
            try
            {
                order = await grains.GetGrain<IRepairOrderGrain>(orderId).Create(input.Order, actor, decision.OutletId, ct);
            }
            catch (DomainException ex) when (ex.Kind is DomainErrorKind.AlreadyExists or DomainErrorKind.InvalidArgument)
            {
                return new Api.RouteResult
                {
                    JobId = input.JobId,
                    Status = Api.RouteResultStatus.Rejected,
                    Reason = ex.Message,
                    Priority = input.Job.Priority,
                    RejectionCode = (int)(ex.Kind == DomainErrorKind.AlreadyExists ? StatusCode.AlreadyExists : StatusCode.InvalidArgument),
                };
            }

            var plannedOutlet = decision.OutletId ?? string.Empty;
            if (order.Assignment is { } assignment)
            {
                if (assignment.OutletId != plannedOutlet)
                {
                    Interlocked.Increment(ref _fellBack);
                }

                return DispatchMapping.Assigned(input, assignment.OutletId, assignment.DistanceKm, planned.NearestCapableKm, plannedOutlet, orderId);
            }

            return decision.Assigned
                ? DispatchMapping.Unassigned(input, Api.RouteUnassignedCode.DispatchFailed, order.UnassignedReason, planned.NearestCapableKm, plannedOutlet, orderId)
                : DispatchMapping.Unassigned(input, DispatchMapping.ToProto(decision.Failure), decision.FailureReason, planned.NearestCapableKm, plannedOutlet, orderId);
        }

        private void Count(Api.RouteResult result)
        {
            switch (result.Status)
            {
                case Api.RouteResultStatus.Assigned:
                    _distances.Add(result.DistanceKm);
                    _nearestSum += result.NearestDistanceKm;
                    var (assigned, before) = _loads.GetValueOrDefault(result.OutletId);
                    _loads[result.OutletId] = (assigned + 1, before);
                    break;
                case Api.RouteResultStatus.Unassigned:
                    _unassigned++;
                    var (count, example) = _reasons.GetValueOrDefault(result.UnassignedCode);
                    _reasons[result.UnassignedCode] = (count + 1, count == 0 ? result.Reason : example);
                    break;
            }
        }

        private async Task Send(IEnumerable<Api.RouteResult> results, int window)
        {
            var message = new Api.RouteResults { Window = window };
            message.Results.AddRange(results);
            await responses.WriteAsync(new Api.RouteBatchResponse { Results = message }, ct);
        }
    }
}
