using System.Net.Http.Headers;
using Google.Api;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>What the REST tests share: HTTP/1.1 clients with tokens, the protos' HTTP rules, and error bodies.</summary>
public static class Rest
{
    /// <summary>An HTTP/1.1 client on the server's Web endpoint, sending the token (if any) as a bearer token.</summary>
    public static HttpClient Client(ServerFixture server, string? token)
    {
        var client = new HttpClient { BaseAddress = new Uri(server.WebAddress), Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public static HttpClient ClientFor(ServerFixture server, string role, string? outletId = null) =>
        Client(server, server.Mint($"rest-{role}-{outletId}", role, outletId, TimeSpan.FromHours(1)));

    public static StringContent Json(IMessage message) => Json(JsonFormatter.Default.Format(message));

    public static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    public static async Task<T> Read<T>(HttpResponseMessage response)
        where T : IMessage<T>, new()
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonParser.Default.Parse<T>(body);
    }

    private static readonly JsonParser StatusParser = new(JsonParser.Settings.Default
        .WithTypeRegistry(TypeRegistry.FromMessages(BadRequest.Descriptor, ErrorInfo.Descriptor))
        .WithIgnoreUnknownFields(true));

    /// <summary>The google.rpc.Status JSON body of a failed call.</summary>
    public static async Task<Google.Rpc.Status> Error(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return StatusParser.Parse<Google.Rpc.Status>(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Every RPC of every service in protos/repairnetwork/v1, read from the generated descriptors.</summary>
    public static IEnumerable<MethodDescriptor> AllMethods() =>
        typeof(Api.OutletService).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(Api.OutletService).Namespace && t.Name.EndsWith("Reflection", StringComparison.Ordinal))
            .Select(t => (FileDescriptor)t.GetProperty("Descriptor")!.GetValue(null)!)
            .SelectMany(file => file.Services)
            .SelectMany(service => service.Methods);

    public static HttpRule? RuleOf(MethodDescriptor method) => method.GetOptions()?.GetExtension(AnnotationsExtensions.Http);

    /// <summary>The method (GET, POST, ...) and path template of a rule, as docs/rest.md writes them.</summary>
    public static (string Verb, string Path) VerbAndPath(HttpRule rule) => rule.PatternCase switch
    {
        HttpRule.PatternOneofCase.Get => ("GET", rule.Get),
        HttpRule.PatternOneofCase.Post => ("POST", rule.Post),
        HttpRule.PatternOneofCase.Put => ("PUT", rule.Put),
        HttpRule.PatternOneofCase.Patch => ("PATCH", rule.Patch),
        HttpRule.PatternOneofCase.Delete => ("DELETE", rule.Delete),
        _ => throw new InvalidOperationException($"unexpected HTTP rule {rule}"),
    };
}
