namespace FreedomCti.Presence.Gateway.Api;

/// <summary>Problem-details answers shared by the REST endpoints.</summary>
public static class ApiProblems
{
    public static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    public static IResult Invalid(Dictionary<string, string[]> errors) => Results.ValidationProblem(errors);

    public static IResult OrganisationNotFound(string orgId) =>
        Results.Problem(statusCode: 404, title: "Organisation not found", detail: $"Organisation '{orgId}' does not exist.");

    public static IResult UserNotFound(string orgId, string userId) =>
        Results.Problem(statusCode: 404, title: "User not found", detail: $"User '{userId}' does not exist in organisation '{orgId}'.");

    public static IResult GroupNotFound(string orgId, string groupId) =>
        Results.Problem(statusCode: 404, title: "User group not found", detail: $"User group '{groupId}' does not exist in organisation '{orgId}'.");

    public static IResult UnknownMembers(IEnumerable<string> userIds) =>
        Invalid("members", $"These users do not exist in the organisation: {string.Join(", ", userIds.Take(20))}.");

    public static IResult Conflict(string title, string detail) =>
        Results.Problem(statusCode: 409, title: title, detail: detail);
}
