using System.Net;
using System.Text.RegularExpressions;
using RepairNetwork.Contracts.Security;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// The REST mapping as declared in the protos: every unary RPC has a path, docs/rest.md lists it, and
/// the server routes it to the RPC (an answer from the RPC, not ASP.NET Core's route-not-found).
/// </summary>
public sealed partial class RestRoutingTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public void Every_unary_rpc_has_a_rest_path_and_only_client_streams_lack_one()
    {
        var methods = Rest.AllMethods().ToList();
        Assert.True(methods.Count > 50, $"only {methods.Count} RPCs found in the descriptors");
        var unmapped = methods.Where(m => Rest.RuleOf(m) is null).Select(m => m.FullName).ToList();
        var unmappedNonClientStreams = methods.Where(m => Rest.RuleOf(m) is null && !m.IsClientStreaming).Select(m => m.FullName);
        Assert.Empty(unmappedNonClientStreams);
        Assert.Equal(["repairnetwork.v1.DispatchService.RouteBatch"], unmapped);
    }

    [Fact]
    public void Docs_list_every_rest_path()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "rest.md"));
        foreach (var method in Rest.AllMethods())
        {
            if (Rest.RuleOf(method) is { } rule)
            {
                var (verb, path) = Rest.VerbAndPath(rule);
                Assert.Contains($"| `{method.Service.Name}` | `{method.Name}` |", docs, StringComparison.Ordinal);
                Assert.Contains($"`{verb} {path}`", docs, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Every_documented_path_reaches_its_rpc()
    {
        using var http = Rest.ClientFor(server, Roles.Hq);
        var failures = new List<string>();
        foreach (var method in Rest.AllMethods())
        {
            if (Rest.RuleOf(method) is not { } rule)
            {
                continue;
            }

            // Ids that exist nowhere: the RPC answers (NOT_FOUND, INVALID_ARGUMENT, or an empty result).
            var (verb, template) = Rest.VerbAndPath(rule);
            var path = PathVariable().Replace(template, "NOPE-1");
            using var request = new HttpRequestMessage(new HttpMethod(verb), path);
            if (rule.Body.Length > 0)
            {
                request.Content = Rest.Json("{}");
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var reachedRpc = response.Content.Headers.ContentType?.MediaType == "application/json"
                && response.StatusCode is not (HttpStatusCode.MethodNotAllowed or HttpStatusCode.Unauthorized);
            if (!reachedRpc)
            {
                failures.Add($"{method.FullName}: {verb} {path} -> {(int)response.StatusCode} {response.Content.Headers.ContentType}");
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task An_unknown_path_is_a_plain_404_not_an_rpc_answer()
    {
        using var http = Rest.ClientFor(server, Roles.Hq);
        using var response = await http.GetAsync("/v1/noSuchCollection/1");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotEqual("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex PathVariable();

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "RepairNetwork.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no RepairNetwork.sln above {AppContext.BaseDirectory}");
    }
}
