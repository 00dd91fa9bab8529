using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace RepairNetwork.Console.Tests;

/// <summary>
/// Headless Debian chromium driven by chromedriver, cut off from every host but the server: host names
/// resolve to nothing and anything that is not loopback goes to a dead proxy. The server is addressed
/// by IP (127.0.0.1), so it is the only thing the page can reach.
/// </summary>
public sealed class Browser : IDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private Browser(ChromeDriver driver, string consoleUrl)
    {
        Driver = driver;
        ConsoleUrl = consoleUrl;
    }

    public ChromeDriver Driver { get; }

    public string ConsoleUrl { get; }

    public static Browser Open(ConsoleServer server, int width = 1440, int height = 900)
    {
        var (chromium, chromedriver) = Locate();
        var options = new ChromeOptions { BinaryLocation = chromium };
        options.AddArguments(
            "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", $"--window-size={width},{height}",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1",
            "--no-first-run", "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-default-apps", "--lang=en-GB");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(chromedriver)!, Path.GetFileName(chromedriver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        return new Browser(driver, server.ConsoleUrl);
    }

    /// <summary>Debian's chromium and chromium-driver; missing ones fail the test with how to install them.</summary>
    private static (string Chromium, string Chromedriver) Locate()
    {
        var chromium = Environment.GetEnvironmentVariable("REPAIRNETWORK_CHROMIUM") ?? FirstExisting("/usr/bin/chromium", "/usr/bin/chromium-browser");
        var driver = Environment.GetEnvironmentVariable("REPAIRNETWORK_CHROMEDRIVER") ?? FirstExisting("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        if (chromium is null || driver is null || !File.Exists(chromium) || !File.Exists(driver))
        {
            Assert.Fail(
                "The console tests need a headless browser: chromium " + (chromium is null ? "is missing" : $"at {chromium}") +
                ", chromedriver " + (driver is null ? "is missing" : $"at {driver}") + ". Install both with " +
                "`apt-get install -y chromium chromium-driver` (Debian; .ci/run does this), or point REPAIRNETWORK_CHROMIUM and " +
                "REPAIRNETWORK_CHROMEDRIVER at a matching pair.");
        }

        return (chromium!, driver!);
    }

    private static string? FirstExisting(params string[] paths) => paths.FirstOrDefault(File.Exists);

    public void Go(string hash = "") => Driver.Navigate().GoToUrl(ConsoleUrl + hash);

    /// <summary>Signs in through the console's Development sign-in form, as a person would.</summary>
    public void SignIn(string role, string? outletId = null)
    {
        Go("#/signin");
        WaitFor(By.Id("dev-role"));
        Driver.FindElement(By.CssSelector($"#dev-role option[value='{role}']")).Click();
        if (outletId is not null)
        {
            var input = WaitFor(By.Id("dev-outlet"));
            input.Clear();
            input.SendKeys(outletId);
        }

        Driver.FindElement(By.Id("dev-submit")).Click();
        Until(d => d.FindElement(By.Id("who")).Text.Contains(role == "hq" ? "Headquarters" : role == "outlet" ? "Outlet" : "Call center", StringComparison.Ordinal), "the sign-in to finish");
    }

    public IWebElement WaitFor(By by) => Until(d => d.FindElements(by).FirstOrDefault(e => e.Displayed), $"{by} to show");

    /// <summary>Waits until the condition gives a value (not null); on timeout says what the page's status lines said.</summary>
    public T Until<T>(Func<IWebDriver, T?> condition, string what, TimeSpan? timeout = null)
    {
        var wait = new WebDriverWait(Driver, timeout ?? Wait);
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        try
        {
            return (T)wait.Until<object?>(d => condition(d) is { } value ? value : null)!;
        }
        catch (WebDriverTimeoutException)
        {
            var said = string.Join(" | ", Driver.FindElements(By.CssSelector(".status-line, .error, .notice")).Select(e => e.Text));
            throw new WebDriverTimeoutException($"Waited {(timeout ?? Wait).TotalSeconds} s for {what}; the page ({Driver.Url}) said: {said}");
        }
    }

    public object? Script(string script, params object[] args) => Driver.ExecuteScript(script, args);

    /// <summary>Every resource the page loaded (Performance API), for the no-other-hosts check and page weight.</summary>
    public IReadOnlyList<(string Name, long TransferSize)> Resources()
    {
        var raw = (IReadOnlyCollection<object>)Script("return performance.getEntriesByType('resource').map(e => [e.name, e.transferSize]);")!;
        return raw.Cast<IReadOnlyCollection<object>>().Select(e => ((string)e.First(), Convert.ToInt64(e.Last(), System.Globalization.CultureInfo.InvariantCulture))).ToList();
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
    }
}
