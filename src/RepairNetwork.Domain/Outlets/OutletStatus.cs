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

/// <summary>
/// Who may move an outlet between statuses. Closing is headquarters' decision (it takes the outlet out
/// of the network), so an outlet may only switch itself between open and paused, and only while
/// headquarters has it open or paused: a closed outlet stays closed until headquarters reopens it.
/// </summary>
public static class OutletStatusRules
{
    /// <summary>Throws PERMISSION_DENIED when <paramref name="by"/> may not make this change; a no-op change is judged the same way.</summary>
    public static void CheckChange(string outletId, OutletStatus current, OutletStatus requested, Orders.Actor by)
    {
        if (by.Role is Orders.ActorRole.Headquarters or Orders.ActorRole.Platform)
        {
            return;
        }

        if (by.Role != Orders.ActorRole.Outlet || by.Id != outletId)
        {
            throw DomainException.Forbidden($"only headquarters or outlet '{outletId}' itself may change its status");
        }

        if (requested == OutletStatus.Closed)
        {
            throw DomainException.Forbidden("an outlet may open or pause itself; closing is for headquarters");
        }

        if (current == OutletStatus.Closed)
        {
            throw DomainException.Forbidden($"outlet '{outletId}' was closed by headquarters; only headquarters may reopen or pause it");
        }
    }
}
