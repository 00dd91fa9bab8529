using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.AspNetCore.Server;
using Microsoft.OpenApi.Models;

namespace RepairNetwork.Server.Extensions;

/// <summary>
/// The same gRPC services for browsers and plain HTTP clients: REST with JSON through gRPC JSON
/// transcoding (paths from the google.api.http options in protos/, see docs/rest.md), gRPC-Web, an
/// OpenAPI document generated from the protos and an API reference page. Transcoded and gRPC-Web calls
/// run the gRPC service methods through the same interceptors (load shedding, error mapping, access
/// control) and the same authentication, so no rule exists twice.
/// </summary>
public static class RestExtensions
{
    public const string OpenApiPath = "/openapi/v1.json";
    public const string ReferencePath = "docs";

    public static IGrpcServerBuilder AddRepairNetworkRest(this IGrpcServerBuilder grpc)
    {
        grpc.AddJsonTranscoding(options =>
            // Error details (google.rpc.Status.details) are Any values: JSON needs their types to write them.
            options.TypeRegistry = TypeRegistry.FromMessages(BadRequest.Descriptor, ErrorInfo.Descriptor));

        var services = grpc.Services;
        services.AddGrpcSwagger();
        services.AddSwaggerGen(swagger =>
        {
            swagger.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "RepairNetwork API",
                Version = "v1",
                Description = "REST (JSON) mapping of the RepairNetwork gRPC API. Every call needs `Authorization: Bearer <token>`; errors are google.rpc.Status JSON. See docs/rest.md.",
            });

            // The proto comments, which Grpc.Tools copies into the generated code's XML documentation.
            var comments = Path.Combine(AppContext.BaseDirectory, "RepairNetwork.Contracts.xml");
            if (File.Exists(comments))
            {
                swagger.IncludeXmlComments(comments);
                swagger.IncludeGrpcXmlComments(comments, includeControllerXmlComments: true);
            }

            swagger.AddSecurityDefinition("bearer", new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT" });
            swagger.AddSecurityRequirement(new OpenApiSecurityRequirement
            {
                [new OpenApiSecurityScheme { Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = "bearer" } }] = [],
            });
        });
        return grpc;
    }

    /// <summary>
    /// gRPC-Web for every service (a browser cannot speak HTTP/2 gRPC), and the REST shape for refused
    /// tokens. Call before authentication and before mapping the services.
    /// </summary>
    public static WebApplication UseRepairNetworkGrpcWeb(this WebApplication app)
    {
        app.Use(UnauthenticatedAsJson);
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        return app;
    }

    /// <summary>
    /// A missing or refused token is answered by the authentication middleware (401 and WWW-Authenticate)
    /// before any RPC runs, so transcoding never writes its JSON; REST clients get the same
    /// google.rpc.Status body as for every other error. gRPC and gRPC-Web requests are left as they were.
    /// </summary>
    private static async Task UnauthenticatedAsJson(HttpContext context, RequestDelegate next)
    {
        await next(context);
        var response = context.Response;
        if (response.StatusCode != StatusCodes.Status401Unauthorized || response.HasStarted
            || context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
        {
            return;
        }

        var challenge = response.Headers.WWWAuthenticate.ToString();
        response.ContentType = "application/json; charset=utf-8";
        await response.WriteAsync(Google.Protobuf.JsonFormatter.Default.Format(new Google.Rpc.Status
        {
            Code = (int)Code.Unauthenticated,
            Message = challenge.Contains("error_description", StringComparison.Ordinal)
                ? $"the bearer token was refused ({challenge})"
                : "a valid bearer token is required (Authorization: Bearer <token>)",
        }));
    }

    /// <summary>The OpenAPI document and the reference page (Swagger UI, whose scripts are embedded in the server: no CDN). Both open, like gRPC reflection.</summary>
    public static WebApplication MapRepairNetworkApiReference(this WebApplication app)
    {
        app.UseSwagger(options => options.RouteTemplate = "openapi/{documentName}.json");
        app.UseSwaggerUI(options =>
        {
            options.RoutePrefix = ReferencePath;
            options.DocumentTitle = "RepairNetwork API reference";
            options.SwaggerEndpoint(OpenApiPath, "RepairNetwork v1");
        });
        return app;
    }
}
