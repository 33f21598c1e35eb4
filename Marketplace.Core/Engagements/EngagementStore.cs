using System.Data.Common;
using System.Text.RegularExpressions;
using Dapper;
using Marketplace.Core.Common;
using Marketplace.Core.Demands;
using Marketplace.Core.Matching;
using Marketplace.Core.Offerings;
using Marketplace.Core.Storage;
using Marketplace.Core.Webhooks;

namespace Marketplace.Core.Engagements;

/// <summary>
/// Engagements (对接) and their lifecycle (<see cref="EngagementStateMachine"/>). Only the two parties and operators
/// see an engagement; every change is one transaction with its audit event, guarded by the row version (If-Match).
/// </summary>
public sealed partial class EngagementStore(Database db, TimeProvider clock, WebhookOutbox? webhooks = null)
{
    public const int MessageMax = 2_000;
    public const int ReasonMax = 1_000;
    public const int NoteMax = 1_000;
    public const int ContactNameMax = 50;
    public const int PhoneMax = 30;
    public const int EmailMax = 200;

    private sealed class Row
    {
        public Guid Id { get; init; }
        public Guid ListId { get; init; }
        public Guid ItemId { get; init; }
        public string ItemText { get; init; } = "";
        public Guid OfferingId { get; init; }
        public Guid RevisionId { get; init; }
        public string OfferingTitle { get; init; } = "";
        public Guid EnterpriseId { get; init; }
        public string EnterpriseName { get; init; } = "";
        public string EnterpriseDistrict { get; init; } = "";
        public string? EnterpriseIndustry { get; init; }
        public Guid IntegratorId { get; init; }
        public string IntegratorName { get; init; } = "";
        public string Status { get; init; } = "";
        public string Message { get; init; } = "";
        public string ContactName { get; init; } = "";
        public string? ContactPhone { get; init; }
        public string? ContactEmail { get; init; }
        public long? AgreedPriceYuan { get; init; }
        public int? PlannedDays { get; init; }
        public long? ActualCostYuan { get; init; }
        public int? ActualDays { get; init; }
        public int RowVersion { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public DateTimeOffset? AcceptedAt { get; init; }
        public DateTimeOffset? ContractedAt { get; init; }
        public DateTimeOffset? DeliveredAt { get; init; }
        public DateTimeOffset? VerifiedAt { get; init; }
        public DateTimeOffset? EndedAt { get; init; }
        public string? EndReason { get; init; }

        public Engagement ToEngagement(IReadOnlyList<EngagementEvent> history, IReadOnlyList<Outcome> outcomes)
        {
            EngagementStatuses.TryParse(Status, out var status);
            return new Engagement
            {
                Id = Id, ListId = ListId, ItemId = ItemId, ItemText = ItemText, OfferingId = OfferingId, RevisionId = RevisionId, OfferingTitle = OfferingTitle,
                EnterpriseId = EnterpriseId, EnterpriseName = EnterpriseName, EnterpriseDistrict = EnterpriseDistrict, EnterpriseIndustry = EnterpriseIndustry,
                IntegratorId = IntegratorId, IntegratorName = IntegratorName, Status = status, Message = Message,
                Contact = new EngagementContact(ContactName, ContactPhone, ContactEmail),
                AgreedPriceYuan = AgreedPriceYuan, PlannedDays = PlannedDays, ActualCostYuan = ActualCostYuan, ActualDays = ActualDays,
                RowVersion = RowVersion, CreatedAt = CreatedAt, UpdatedAt = UpdatedAt, AcceptedAt = AcceptedAt, ContractedAt = ContractedAt,
                DeliveredAt = DeliveredAt, VerifiedAt = VerifiedAt, EndedAt = EndedAt, EndReason = EndReason, Outcomes = outcomes, History = history,
            };
        }
    }

    private sealed class OutcomeRow
    {
        public Guid EngagementId { get; init; }
        public int Ordinal { get; init; }
        public string Dimension { get; init; } = "";
        public string Metric { get; init; } = "";
        public string Unit { get; init; } = "";
        public double Baseline { get; init; }
        public double Actual { get; init; }
    }

    private sealed class ItemRow
    {
        public Guid ItemId { get; init; }
        public Guid ListId { get; init; }
        public Guid OwnerId { get; init; }
        public string ListStatus { get; init; } = "";
        public bool MatchPending { get; init; }
    }

    private sealed class MatchRow
    {
        public Guid RevisionId { get; init; }
        public string Title { get; init; } = "";
        public Guid OwnerId { get; init; }
        public string Status { get; init; } = "";
        public Guid? PublishedRevisionId { get; init; }
    }

    /// <summary>The enterprise opens an engagement with the integrator of an offering it was matched with for one of its items.</summary>
    public async Task<Engagement> CreateAsync(Actor actor, NewEngagement? input, CancellationToken ct)
    {
        if (actor.Kind != OrganizationKind.Enterprise)
        {
            throw new ForbiddenException("只有企业可以发起对接 (only enterprises open engagements).");
        }
        var v = new Validator();
        if (input is null)
        {
            v.Add("body", "请求体不能为空 (a JSON body is required).");
            v.ThrowIfAny();
        }
        v.Required("itemId", input!.ItemId);
        v.Required("offeringId", input.OfferingId);
        var message = input.Message?.Trim();
        if (v.Required("message", message))
        {
            v.Text("message", message, MessageMax);
        }
        var contact = ValidateContact(input.Contact, v);
        v.ThrowIfAny();

        var id = Guid.NewGuid();
        var now = clock.GetUtcNow();
        try
        {
            await db.InTransactionAsync(async (c, t) =>
            {
                // Read in the write transaction under the match writers' lock, which closing a list and retiring an offering
                // take too: one closed or retired meanwhile is seen (SQLite serializes writers anyway; SQL Server does not).
                await c.ExecuteAsync(db.Command(db.Dialect.LockMatchEvents, transaction: t, ct: ct));
                var item = await c.QuerySingleOrDefaultAsync<ItemRow>(db.Command(EngagementSql.ItemForEngagement, new { input.ItemId }, t, ct));
                var match = (await c.QueryAsync<MatchRow>(db.Command(EngagementSql.MatchOfItem, new { input.ItemId, input.OfferingId }, t, ct))).FirstOrDefault();
                if (item is null || item.OwnerId != actor.OrganizationId)
                {
                    throw new ValidationException(new Dictionary<string, string[]>
                    {
                        ["itemId"] = [$"贵企业的需求清单中没有需求项 {input.ItemId} (no such item in your demand lists)."],
                    });
                }
                if (item.ListStatus != DemandListStatuses.Open)
                {
                    throw new ConflictException("需求清单已关闭，不能再发起对接 (the item's demand list is closed).");
                }
                // An edit stored while the search index was unreachable waits to be matched: its current matches are the
                // text's before the edit.
                if (item.MatchPending)
                {
                    throw new ConflictException("需求清单的修改正在等待重新匹配，请稍后再发起对接 (the list's edit is waiting to be matched; try again shortly).");
                }
                if (match is null)
                {
                    throw new ValidationException(new Dictionary<string, string[]>
                    {
                        ["offeringId"] = [$"方案 {input.OfferingId} 不在该需求项的匹配结果中 (the offering is not among this item's matches)."],
                    });
                }
                if (match.PublishedRevisionId is null || match.Status == OfferingStatus.Retired.ToCode())
                {
                    throw new ConflictException("该方案已下架，不能发起对接 (the offering has been retired).");
                }
                var open = await c.ExecuteScalarAsync<Guid?>(db.Command(EngagementSql.OpenForMatch, new { input.ItemId, input.OfferingId }, t, ct));
                if (open is not null)
                {
                    throw OpenAlready(open.Value);
                }
                await c.ExecuteAsync(db.Command(EngagementSql.Insert, new
                {
                    Id = id, item.ListId, input.ItemId, input.OfferingId, match.RevisionId, OfferingTitle = match.Title,
                    EnterpriseId = actor.OrganizationId, IntegratorId = match.OwnerId, Message = message,
                    ContactName = contact.Name, ContactPhone = contact.Phone, ContactEmail = contact.Email, Now = now,
                }, t, ct));
                await AuditAsync(c, t, id, EngagementStateMachine.Request, null, EngagementStatus.Requested, actor, null, now, ct);
                await NotifyAsync(c, t, new EngagementChangedData(id, input.ItemId!.Value, input.OfferingId!.Value, match.Title, EngagementStateMachine.Request, null,
                    EngagementStatus.Requested.ToCode(), actor.Kind.ToCode()), [actor.OrganizationId, match.OwnerId], now, ct);
            }, ct);
        }
        catch (DbException)
        {
            // Another request for the same match committed first (SQL Server: the unique index on open engagements).
            if (await OpenEngagementAsync(input.ItemId!.Value, input.OfferingId!.Value, ct) is { } raced)
            {
                throw OpenAlready(raced);
            }
            throw;
        }
        return await GetAsync(actor, id, ct);
    }

    private async Task<Guid?> OpenEngagementAsync(Guid itemId, Guid offeringId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<Guid?>(db.Command(EngagementSql.OpenForMatch, new { ItemId = itemId, OfferingId = offeringId }, ct: ct));
    }

    private static ConflictException OpenAlready(Guid id) =>
        new($"该匹配已有进行中的对接 {id} (an engagement for this item and offering is already in progress: {id}).");

    private static EngagementContact ValidateContact(EngagementContactInput? input, Validator v)
    {
        if (input is null)
        {
            v.Add("contact", "必填：联系人及电话或邮箱 (required: a contact name and a phone number or an e-mail address).");
            return new EngagementContact("", null, null);
        }
        var name = input.Name?.Trim();
        if (v.Required("contact.name", name))
        {
            v.Text("contact.name", name, ContactNameMax);
        }
        var phone = string.IsNullOrWhiteSpace(input.Phone) ? null : input.Phone.Trim();
        var email = string.IsNullOrWhiteSpace(input.Email) ? null : input.Email.Trim();
        if (phone is null && email is null)
        {
            v.Add("contact", "电话和邮箱至少填写一项 (a phone number or an e-mail address is required).");
        }
        if (phone is not null && (phone.Length > PhoneMax || !PhonePattern().IsMatch(phone) || phone.Count(char.IsAsciiDigit) < 7))
        {
            v.Add("contact.phone", "电话号码格式不正确 (digits, spaces, +, - and parentheses; at least 7 digits).");
        }
        if (email is not null && (email.Length > EmailMax || !EmailPattern().IsMatch(email)))
        {
            v.Add("contact.email", "邮箱格式不正确 (not an e-mail address).");
        }
        return new EngagementContact(name ?? "", phone, email);
    }

    /// <summary>The engagement as <paramref name="actor"/> may see it: its two parties and operators; anyone else gets 404.</summary>
    public async Task<Engagement> GetAsync(Actor actor, Guid id, CancellationToken ct)
    {
        var engagement = await FindAsync(id, ct);
        if (engagement is null || engagement.PartyOf(actor) is null)
        {
            throw NotFound(id);
        }
        return engagement;
    }

    public async Task<Engagement?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<Row>(db.Command(EngagementSql.ById, new { Id = id }, ct: ct));
        if (row is null)
        {
            return null;
        }
        var history = (await c.QueryAsync<EngagementEvent>(db.Command(EngagementSql.Events, new { EngagementId = id }, ct: ct))).ToArray();
        var outcomes = await OutcomesAsync(c, [id], ct);
        return row.ToEngagement(history, outcomes[id].ToArray());
    }

    /// <summary>Enterprises see their engagements, integrators theirs, operators all; the capability center none (403).</summary>
    public async Task<PagedList<Engagement>> ListAsync(Actor actor, EngagementListFilter filter, int page, int pageSize, CancellationToken ct)
    {
        var (enterpriseId, integratorId) = actor.Kind switch
        {
            OrganizationKind.Enterprise => ((Guid?)actor.OrganizationId, (Guid?)null),
            OrganizationKind.Integrator => (null, actor.OrganizationId),
            OrganizationKind.Operator => (null, null),
            _ => throw new ForbiddenException("对接只对双方和运营方可见 (engagements are visible to their two parties and operators only)."),
        };
        await using var c = await db.OpenAsync(ct);
        var args = new
        {
            EnterpriseId = enterpriseId,
            IntegratorId = integratorId,
            Status = filter.Status?.ToCode(),
            filter.ItemId,
            filter.OfferingId,
            Skip = (page - 1) * pageSize,
            Take = pageSize,
        };
        var total = await c.ExecuteScalarAsync<long>(db.Command(EngagementSql.Count, args, ct: ct));
        var rows = (await c.QueryAsync<Row>(db.Command(db.Dialect.Page(EngagementSql.List), args, ct: ct))).ToArray();
        var outcomes = await OutcomesAsync(c, rows.Select(r => r.Id).ToArray(), ct);
        return new PagedList<Engagement>(rows.Select(r => r.ToEngagement([], outcomes[r.Id].ToArray())).ToArray(), page, pageSize, total);
    }

    /// <summary>The measured outcomes of the given engagements, in their order.</summary>
    public async Task<ILookup<Guid, Outcome>> OutcomesAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await OutcomesAsync(c, ids, ct);
    }

    private async Task<ILookup<Guid, Outcome>> OutcomesAsync(DbConnection c, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return Array.Empty<OutcomeRow>().ToLookup(r => r.EngagementId, r => new Outcome(r.Dimension, r.Metric, r.Unit, r.Baseline, r.Actual));
        }
        var rows = await c.QueryAsync<OutcomeRow>(db.Command(EngagementSql.OutcomesOf, new { EngagementIds = DapperTypeHandlers.ListParameter(ids) }, ct: ct));
        return rows.OrderBy(r => r.Ordinal).ToLookup(r => r.EngagementId, r => new Outcome(r.Dimension, r.Metric, r.Unit, r.Baseline, r.Actual));
    }

    /// <summary>Takes one step of the state machine for <paramref name="actor"/>; If-Match is required.</summary>
    public async Task<Engagement> TransitionAsync(Actor actor, Guid id, string? ifMatch, EngagementTransitionInput? input, CancellationToken ct)
    {
        var engagement = await GetAsync(actor, id, ct);
        var party = engagement.PartyOf(actor)!.Value;
        var action = input?.Action?.Trim();
        var v = new Validator();
        if (input is null)
        {
            v.Add("body", "请求体不能为空 (a JSON body with an action is required).");
            v.ThrowIfAny();
        }
        if (!v.Required("action", action) || !EngagementStateMachine.Actions.Contains(action))
        {
            if (action is { Length: > 0 })
            {
                v.Add("action", $"未知的操作 '{action}' (one of: {string.Join(", ", EngagementStateMachine.Actions)}).");
            }
            v.ThrowIfAny();
        }
        Preconditions.RequireIfMatch(ifMatch, "对接");
        Preconditions.CheckIfMatch(ifMatch, engagement.ETag, "对接");
        var transition = EngagementStateMachine.Find(action!, engagement.Status);
        if (transition is null)
        {
            var allowed = EngagementStateMachine.AllowedFor(engagement.Status, party);
            throw new ConflictException($"对接当前状态为 {engagement.Status.ToCode()}，不能执行 {action} (cannot {action} an engagement in status '{engagement.Status.ToCode()}'; "
                + (allowed.Count == 0 ? "you can take no action now)." : $"you can: {string.Join(", ", allowed)})."));
        }
        if (!transition.Parties.Contains(party))
        {
            throw new ForbiddenException($"{PartyName(party)}不能执行 {action}，该操作属于{string.Join("或", transition.Parties.Select(PartyName))} (only the {string.Join(" or ", transition.Parties.Select(p => p.ToCode()))} can {action}).");
        }
        var (next, detail) = Apply(engagement, transition, input!, v);
        var now = clock.GetUtcNow();
        await db.InTransactionAsync(async (c, t) =>
        {
            var affected = await c.ExecuteAsync(db.Command(EngagementSql.Transition, new
            {
                engagement.Id,
                Status = transition.To.ToCode(),
                next.AgreedPriceYuan,
                next.PlannedDays,
                next.ActualCostYuan,
                next.ActualDays,
                AcceptedAt = transition.To == EngagementStatus.Accepted ? now : engagement.AcceptedAt,
                ContractedAt = transition.To == EngagementStatus.Contracted ? now : engagement.ContractedAt,
                DeliveredAt = transition.To == EngagementStatus.Delivered ? now : engagement.DeliveredAt,
                VerifiedAt = transition.To == EngagementStatus.Verified ? now : engagement.VerifiedAt,
                EndedAt = transition.To.IsFinal() ? now : (DateTimeOffset?)null,
                EndReason = transition.To.IsFinal() ? input!.Reason?.Trim() : null,
                Now = now,
                ExpectedRowVersion = engagement.RowVersion,
            }, t, ct));
            if (affected == 0)
            {
                throw new PreconditionFailedException("对接已被对方修改，请重新获取后再试 (the engagement changed meanwhile; fetch it again).");
            }
            if (transition.Allowed.HasFlag(TransitionFields.Verification))
            {
                // 验收 after a dispute replaces the figures of an earlier one (there is none today: verified is not left except to close).
                await c.ExecuteAsync(db.Command(EngagementSql.DeleteOutcomes, new { EngagementId = engagement.Id }, t, ct));
                await c.ExecuteAsync(db.Command(EngagementSql.InsertOutcome, next.Outcomes.Select((o, n) => new
                {
                    EngagementId = engagement.Id, Ordinal = n + 1, o.Dimension, o.Metric, o.Unit, o.Baseline, o.Actual,
                }).ToArray(), t, ct));
            }
            await AuditAsync(c, t, engagement.Id, transition.Action, engagement.Status, transition.To, actor, detail, now, ct);
            await NotifyAsync(c, t, new EngagementChangedData(engagement.Id, engagement.ItemId, engagement.OfferingId, engagement.OfferingTitle, transition.Action,
                engagement.Status.ToCode(), transition.To.ToCode(), actor.Kind.ToCode()), [engagement.EnterpriseId, engagement.IntegratorId], now, ct);
        }, ct);
        return await GetAsync(actor, id, ct);
    }

    /// <summary>Checks the fields the transition takes (and refuses those it does not) and returns the new figures and the audit detail.</summary>
    private static (Engagement Next, string? Detail) Apply(Engagement engagement, EngagementTransition transition, EngagementTransitionInput input, Validator v)
    {
        var allowed = transition.Allowed;
        void Unused(string field, object? value, TransitionFields needs)
        {
            if (value is not null && !allowed.HasFlag(needs))
            {
                v.Add(field, $"操作 {transition.Action} 不使用此字段 (not used by the '{transition.Action}' action).");
            }
        }
        Unused("reason", input.Reason, TransitionFields.Reason);
        Unused("note", input.Note, TransitionFields.Note);
        Unused("agreedPriceYuan", input.AgreedPriceYuan, TransitionFields.Contract);
        Unused("plannedDays", input.PlannedDays, TransitionFields.Contract);
        Unused("actualCostYuan", input.ActualCostYuan, TransitionFields.Verification);
        Unused("actualDays", input.ActualDays, TransitionFields.Verification);
        Unused("outcomes", input.Outcomes, TransitionFields.Verification);

        var reason = string.IsNullOrWhiteSpace(input.Reason) ? null : input.Reason.Trim();
        var note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim();
        if (transition.ReasonRequired)
        {
            v.Required("reason", reason);
        }
        v.Text("reason", reason, ReasonMax);
        v.Text("note", note, NoteMax);
        var next = engagement;
        var facts = new List<string>();
        if (allowed.HasFlag(TransitionFields.Contract))
        {
            if (v.Required("agreedPriceYuan", input.AgreedPriceYuan))
            {
                v.Range("agreedPriceYuan", input.AgreedPriceYuan, 0, Limits.MaxYuan);
            }
            if (v.Required("plannedDays", input.PlannedDays))
            {
                v.Range("plannedDays", input.PlannedDays, 1, Limits.MaxDays);
            }
            next = next with { AgreedPriceYuan = input.AgreedPriceYuan, PlannedDays = input.PlannedDays };
            facts.Add($"合同价{DemandMatcher.Yuan(input.AgreedPriceYuan ?? 0)}，计划{input.PlannedDays}天");
        }
        if (allowed.HasFlag(TransitionFields.Verification))
        {
            if (v.Required("actualCostYuan", input.ActualCostYuan))
            {
                v.Range("actualCostYuan", input.ActualCostYuan, 0, Limits.MaxYuan);
            }
            if (v.Required("actualDays", input.ActualDays))
            {
                v.Range("actualDays", input.ActualDays, 1, Limits.MaxDays);
            }
            var outcomes = Outcomes.Validate(input.Outcomes, v);
            next = next with { ActualCostYuan = input.ActualCostYuan, ActualDays = input.ActualDays, Outcomes = outcomes };
            facts.Add($"实际费用{DemandMatcher.Yuan(input.ActualCostYuan ?? 0)}，实际{input.ActualDays}天");
            facts.AddRange(outcomes.Select(o => o.Describe()));
        }
        v.ThrowIfAny();
        if (reason is not null)
        {
            facts.Add(reason);
        }
        if (note is not null)
        {
            facts.Add(note);
        }
        return (next, facts.Count == 0 ? null : string.Join("；", facts));
    }

    /// <summary>Engagements of a demand list's items (shown to the list's enterprise and operators).</summary>
    public async Task<IReadOnlyList<EngagementSummary>> OfListAsync(Guid listId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<EngagementSummary>(db.Command(EngagementSql.SummariesOfList, new { ListId = listId }, ct: ct))).ToArray();
    }

    /// <summary>
    /// Demand texts with the offering an integrator accepted to engage on them, most recently accepted first (at most
    /// <paramref name="take"/>): owners' words for what the offering does, which matching learns from.
    /// </summary>
    public async Task<IReadOnlyList<AcceptedDemand>> AcceptedDemandsAsync(int take, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<AcceptedDemand>(db.Command(db.Dialect.Page(EngagementSql.AcceptedDemands), new { Skip = 0, Take = take }, ct: ct))).ToArray();
    }

    /// <summary>An integrator's engagements on the given demand items (shown on its leads).</summary>
    public async Task<IReadOnlyList<EngagementSummary>> OfIntegratorItemsAsync(Guid integratorId, IReadOnlyCollection<Guid> itemIds, CancellationToken ct)
    {
        if (itemIds.Count == 0)
        {
            return [];
        }
        await using var c = await db.OpenAsync(ct);
        var result = new List<EngagementSummary>();
        foreach (var chunk in itemIds.Chunk(Database.KeysPerStatement))
        {
            result.AddRange(await c.QueryAsync<EngagementSummary>(db.Command(EngagementSql.SummariesOfIntegratorItems,
                new { IntegratorId = integratorId, ItemIds = DapperTypeHandlers.ListParameter(chunk) }, ct: ct)));
        }
        return result;
    }

    /// <summary>Tells both parties (engagement.changed), in the transaction of the step.</summary>
    private Task NotifyAsync(DbConnection c, DbTransaction t, EngagementChangedData data, Guid[] parties, DateTimeOffset now, CancellationToken ct) =>
        webhooks?.RecordAsync(c, t, WebhookAudience.Of(parties), WebhookEventTypes.EngagementChanged,
            (id, organization) => new EngagementChangedEvent(id, WebhookEventTypes.EngagementChanged, now, organization, data), now, ct) ?? Task.CompletedTask;

    private async Task AuditAsync(DbConnection c, DbTransaction t, Guid engagementId, string action, EngagementStatus? from, EngagementStatus to,
        Actor actor, string? detail, DateTimeOffset now, CancellationToken ct) =>
        await c.ExecuteAsync(db.Command(EngagementSql.InsertEvent, new
        {
            EngagementId = engagementId,
            Action = action,
            FromStatus = from?.ToCode(),
            ToStatus = to.ToCode(),
            ActorId = actor.OrganizationId,
            ActorKind = actor.Kind.ToCode(),
            Detail = detail is { Length: > 2000 } ? detail[..2000] : detail,
            Now = now,
        }, t, ct));

    private static string PartyName(EngagementParty party) => party switch
    {
        EngagementParty.Enterprise => "企业",
        EngagementParty.Integrator => "服务商",
        _ => "运营方",
    };

    private static NotFoundException NotFound(Guid id) => new($"对接 {id} 不存在 (engagement not found).");

    [GeneratedRegex(@"^[0-9+\-() ]+$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();
}
