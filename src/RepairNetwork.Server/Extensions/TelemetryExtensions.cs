using System.Text.Json;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using RepairNetwork.Grains.Telemetry;

namespace RepairNetwork.Server.Extensions;

/// <summary>
/// Metrics, traces and the HTTP probes an operator watches:
/// <list type="bullet">
/// <item>Prometheus text at <c>/metrics</c>: the domain meter (<see cref="RepairNetworkMetrics.MeterName"/>),
/// Orleans' own meter, ASP.NET Core / Kestrel, the .NET runtime and Npgsql.</item>
/// <item><c>/healthz/live</c> (the process answers) and <c>/healthz/ready</c> (every registered health check,
/// the same ones grpc.health.v1 reports: 200 when healthy, 503 when not).</item>
/// <item>OTLP export of metrics and traces (gRPC server calls, Orleans grain calls, Npgsql commands) when
/// <c>OpenTelemetry:Otlp:Endpoint</c> or <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Without an endpoint no
/// trace is recorded at all, so the hot paths pay nothing for tracing.</item>
/// </list>
/// The probes and /metrics are plain HTTP/1.1; the gRPC endpoint is HTTP/2 only, so they belong on the
/// Kestrel endpoint named <c>Management</c> (Kestrel:Endpoints:Management, Protocols Http1). When that
/// endpoint exists they are served there only; without it, on every endpoint.
/// <c>OpenTelemetry:Enabled=false</c> collects and exports nothing (no /metrics); the probes stay.
/// </summary>
public static class TelemetryExtensions
{
    public const string ManagementEndpointName = "Management";
    public const string LivePath = "/healthz/live";
    public const string ReadyPath = "/healthz/ready";
    public const string MetricsPath = "/metrics";
    public const string OrleansMeterName = "Microsoft.Orleans";
    public static readonly string[] OrleansActivitySources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    private const string ManagementConnectionKey = "repairnetwork.management";

    public static WebApplicationBuilder AddRepairNetworkTelemetry(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var otlpEndpoint = OtlpEndpoint(config);
        var serviceName = config["OpenTelemetry:ServiceName"] ?? config["OTEL_SERVICE_NAME"] ?? "repairnetwork";
        var instance = $"{Environment.MachineName}:{config.GetValue("Orleans:SiloPort", 11111)}";
        if (!Enabled(config))
        {
            AddManagementEndpoint(builder);
            return builder;
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceInstanceId: instance))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(RepairNetworkMetrics.MeterName, OrleansMeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddNpgsqlInstrumentation()
                    .AddPrometheusExporter();
                if (otlpEndpoint is not null)
                {
                    metrics.AddOtlpExporter(options => ConfigureOtlp(options, config, "v1/metrics"));
                }
            });

        if (otlpEndpoint is not null)
        {
            var ratio = Math.Clamp(config.GetValue("OpenTelemetry:Tracing:SampleRatio", 1.0), 0.0, 1.0);
            telemetry.WithTracing(tracing => tracing
                .SetSampler(new RequestRootedSampler(ratio, config.GetValue("OpenTelemetry:Tracing:Background", false)))
                .AddSource(OrleansActivitySources)
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsManagementPath(context.Request.Path))
                .AddNpgsql()
                .AddOtlpExporter(options => ConfigureOtlp(options, config, "v1/traces")));

            // Spans for grain calls, and the trace carried from the gRPC call into the grains it calls.
            builder.UseOrleans(silo => silo.AddActivityPropagation());
        }

        AddManagementEndpoint(builder);
        return builder;
    }

    private static bool Enabled(IConfiguration config) => config.GetValue("OpenTelemetry:Enabled", true);

    private static void AddManagementEndpoint(WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        if (config.GetSection($"Kestrel:Endpoints:{ManagementEndpointName}").Exists())
        {
            // Marks the management endpoint's connections, so the probes and /metrics answer there only.
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Configure(config.GetSection("Kestrel"), reloadOnChange: true)
                .Endpoint(ManagementEndpointName, endpoint => endpoint.ListenOptions.Use(next => connection =>
                {
                    connection.Items[ManagementConnectionKey] = true;
                    return next(connection);
                })));
        }
    }

    /// <summary>Maps /healthz/live, /healthz/ready and /metrics (ahead of authentication: probes carry no token).</summary>
    public static WebApplication UseRepairNetworkTelemetry(this WebApplication app)
    {
        if (app.Configuration.GetSection($"Kestrel:Endpoints:{ManagementEndpointName}").Exists())
        {
            // Not on the public (gRPC) endpoint: what the network is doing is for the operator's network only.
            app.UseWhen(context => IsManagementPath(context.Request.Path) && !OnManagementEndpoint(context), refused => refused.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }));
        }

        if (Enabled(app.Configuration))
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(context => context.Request.Path == MetricsPath);
        }

        app.MapHealthChecks(LivePath, new HealthCheckOptions
        {
            // Alive is only "the process answers HTTP": a load balancer must not restart a silo whose database is away.
            Predicate = _ => false,
            ResponseWriter = WriteHealth,
        });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions
        {
            // Every registered check: the same source as grpc.health.v1's overall status.
            ResponseWriter = WriteHealth,
        });
        return app;
    }

    private static bool IsManagementPath(PathString path) =>
        path.StartsWithSegments("/healthz", StringComparison.Ordinal) || path.StartsWithSegments(MetricsPath, StringComparison.Ordinal);

    private static bool OnManagementEndpoint(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(ManagementConnectionKey) == true;

    private static string? OtlpEndpoint(IConfiguration config)
    {
        var endpoint = config["OpenTelemetry:Otlp:Endpoint"];
        return string.IsNullOrWhiteSpace(endpoint) ? NullIfBlank(config["OTEL_EXPORTER_OTLP_ENDPOINT"]) : endpoint;
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>OpenTelemetry:Otlp:Endpoint and :Protocol (grpc, the default, or http/protobuf) over the OTEL_EXPORTER_OTLP_* variables.</summary>
    private static void ConfigureOtlp(OtlpExporterOptions options, IConfiguration config, string signalPath)
    {
        if (NullIfBlank(config["OpenTelemetry:Otlp:Protocol"]) is { } protocol)
        {
            options.Protocol = protocol.Trim().ToLowerInvariant() switch
            {
                "grpc" => OtlpExportProtocol.Grpc,
                "http/protobuf" or "http" => OtlpExportProtocol.HttpProtobuf,
                _ => throw new InvalidOperationException($"OpenTelemetry:Otlp:Protocol must be grpc or http/protobuf, not '{protocol}'"),
            };
        }

        if (NullIfBlank(config["OpenTelemetry:Otlp:Endpoint"]) is { } endpoint)
        {
            var uri = new Uri(endpoint);

            // Like OTEL_EXPORTER_OTLP_ENDPOINT: the collector's base address; over HTTP each signal has its own
            // path, which the exporter adds only to the environment variable's value, not to one set here.
            if (options.Protocol == OtlpExportProtocol.HttpProtobuf && uri.AbsolutePath.Trim('/').Length == 0)
            {
                uri = new Uri(uri, signalPath);
            }

            options.Endpoint = uri;
        }
    }

    private static Task WriteHealth(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new Dictionary<string, object?>
        {
            ["status"] = report.Status.ToString(),
            ["checks"] = report.Entries.ToDictionary(e => e.Key, e => new Dictionary<string, string?>
            {
                ["status"] = e.Value.Status.ToString(),
                ["description"] = e.Value.Description,
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}

/// <summary>
/// Traces start at a gRPC call (sampled at the configured ratio) and follow it into grains, other silos
/// and PostgreSQL. Work nobody called for — Orleans' membership, reminders, the outlet index poll each
/// second, their database commands — would otherwise be a root trace several times a second on an idle
/// silo; it is dropped unless OpenTelemetry:Tracing:Background is true.
/// </summary>
internal sealed class RequestRootedSampler(double ratio, bool background) : Sampler
{
    private const string RequestActivityName = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    private readonly Sampler _roots = new TraceIdRatioBasedSampler(ratio);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        var parent = samplingParameters.ParentContext;
        if (parent.TraceId != default)
        {
            // Within a trace: follow the parent's decision (a remote caller's, or ours at the root).
            return (parent.TraceFlags & System.Diagnostics.ActivityTraceFlags.Recorded) != 0
                ? new SamplingResult(SamplingDecision.RecordAndSample)
                : new SamplingResult(SamplingDecision.Drop);
        }

        return background || samplingParameters.Name == RequestActivityName
            ? _roots.ShouldSample(samplingParameters)
            : new SamplingResult(SamplingDecision.Drop);
    }
}
