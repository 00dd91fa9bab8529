using System.CommandLine;
using RepairNetwork.Cli.Infrastructure;
using RepairNetwork.Contracts.Security;

namespace RepairNetwork.Cli.Commands;

/// <summary>
/// <c>rn token</c>: mints a development access token (HS256) and prints it, for use as
/// <c>export REPAIRNETWORK_TOKEN=$(rn token --role hq)</c>. Uses the development key unless --key is given;
/// a server accepts that key only in the Development environment.
/// </summary>
internal static class TokenCommand
{
    /// <summary>The server's default Auth:MaxTokenLifetime: a longer token would only be refused.</summary>
    private const int MaxHours = 24;

    public static Command Create()
    {
        var role = new Option<string>("--role") { Description = "hq, call_center or outlet", Required = true };
        role.AcceptOnlyFromAmong([.. Roles.All]);
        var outlet = new Option<string>("--outlet") { Description = "The outlet an outlet-role token acts for" };
        var subject = new Option<string>("--subject") { Description = "Who the token identifies (the client; rate limits apply per subject)" };
        var lifetime = new Option<int>("--hours") { Description = $"Hours until the token expires (at most {MaxHours})", DefaultValueFactory = _ => 8 };
        var key = new Option<string>("--key") { Description = "Base64 signing key (default: the development key, accepted only by a server in the Development environment)", DefaultValueFactory = _ => AccessTokens.DevelopmentKey };
        var keyId = new Option<string>("--key-id") { Description = "Key id (kid) for rotation", DefaultValueFactory = _ => AccessTokens.DevelopmentKeyId };

        var command = new Command("token", "Mint a development access token and print it") { role, outlet, subject, lifetime, key, keyId };
        command.SetAction(CliApp.Guard((r, _) =>
        {
            var chosenRole = r.GetRequiredValue(role);
            var outletId = r.GetValue(outlet);
            if (chosenRole == Roles.Outlet && string.IsNullOrEmpty(outletId))
            {
                throw new CliException("--outlet is required with --role outlet");
            }

            if (chosenRole != Roles.Outlet && !string.IsNullOrEmpty(outletId))
            {
                throw new CliException("--outlet applies only to --role outlet");
            }

            var hours = r.GetValue(lifetime);
            if (hours is < 1 or > MaxHours)
            {
                throw new CliException($"--hours must be within [1, {MaxHours}]: servers refuse tokens that live longer than Auth:MaxTokenLifetime (24 h by default)");
            }

            string token;
            try
            {
                token = AccessTokens.Mint(r.GetValue(subject) ?? $"rn-{chosenRole}{(outletId is null ? string.Empty : "-" + outletId)}", chosenRole, string.IsNullOrEmpty(outletId) ? null : outletId, TimeSpan.FromHours(hours), r.GetRequiredValue(key), r.GetRequiredValue(keyId));
            }
            catch (FormatException)
            {
                throw new CliException("--key is not base64");
            }

            Console.WriteLine(token);
            return Task.FromResult(0);
        }));
        return command;
    }
}
