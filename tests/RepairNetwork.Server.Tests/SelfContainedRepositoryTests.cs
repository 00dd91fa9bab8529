using System.Diagnostics;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// Everything the project needs lives in the repository: no tracked file points at a folder beside
/// it (a fresh clone has none), and the data the defaults name is there.
/// </summary>
public sealed class SelfContainedRepositoryTests
{
    // Built from parts so this file does not match itself.
    private static readonly string[] OutsidePaths = [".." + "/shared", "/work" + "/shared", "..\\" + "shared"];

    [Fact]
    public void No_tracked_file_points_outside_the_repository()
    {
        var root = RepositoryRoot();
        var offenders = new List<string>();
        foreach (var relative in RepositoryFiles(root))
        {
            var path = Path.Combine(root, relative);
            if (!File.Exists(path) || new FileInfo(path).Length > 4_000_000)
            {
                continue;
            }

            var lineNumber = 0;
            foreach (var line in File.ReadLines(path))
            {
                lineNumber++;
                if (OutsidePaths.Any(p => line.Contains(p, StringComparison.Ordinal)))
                {
                    offenders.Add($"{relative}:{lineNumber}: {line.Trim()}");
                }
            }
        }

        Assert.True(offenders.Count == 0, "files pointing outside the repository:\n" + string.Join('\n', offenders));
    }

    [Fact]
    public void The_city_list_the_defaults_name_is_in_the_repository_with_its_attribution()
    {
        var root = RepositoryRoot();
        var cities = Path.Combine(root, "tools", "demo-data", "cities-cn.csv");
        Assert.True(File.Exists(cities), $"{cities} is missing");
        Assert.Equal("geonameid,name,country,admin1,lat,lon,population,feature_code", File.ReadLines(cities).First());
        Assert.True(File.ReadLines(cities).Skip(1).Count() > 2_000);

        var attribution = File.ReadAllText(Path.Combine(root, "tools", "demo-data", "cities-cn.md"));
        Assert.Contains("Contains data from GeoNames (geonames.org), CC BY 4.0", attribution, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(root, "docs", "design.md")), "docs/design.md (the product brief) is missing");
    }

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

    /// <summary>The tracked files (git ls-files), or every file outside bin/, obj/ and .git/ where git is not at hand.</summary>
    private static IEnumerable<string> RepositoryFiles(string root)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "ls-files -z")
            {
                WorkingDirectory = root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (git is not null)
            {
                var output = git.StandardOutput.ReadToEnd();
                git.WaitForExit();
                if (git.ExitCode == 0 && output.Length > 0)
                {
                    return output.Split('\0', StringSplitOptions.RemoveEmptyEntries);
                }
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No git on this machine: fall back to walking the folder.
        }

        var skipped = new[] { "bin", "obj", ".git", "node_modules" };
        return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(root, path))
            .Where(relative => !relative.Split(Path.DirectorySeparatorChar).Any(part => skipped.Contains(part, StringComparer.Ordinal)));
    }
}
