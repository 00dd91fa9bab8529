namespace RepairNetwork.Domain.Outlets;

/// <summary>Whether an outlet takes new jobs.</summary>
public enum OutletStatus
{
    Open = 1,
    Paused = 2,
    Closed = 3,
}

/// <summary>How the customer and the outlet meet for a repair.</summary>
public enum ServiceMode
{
    CarryIn = 1,
    OnSite = 2,
    MailIn = 3,
}
