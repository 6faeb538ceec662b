package desk

import "slices"

// Role is a named set of permissions given to a user.
type Role string

// The roles calmdesk knows.
const (
	RoleAgent      Role = "agent"
	RoleSupervisor Role = "supervisor"
	RoleAdmin      Role = "admin"
	RoleTrainee    Role = "trainee"
)

// Permission names one thing a user may do; routes check permissions, never roles.
type Permission string

// The permissions routes check.
const (
	PermCasesRead       Permission = "cases:read"
	PermMessagesIngest  Permission = "messages:ingest"
	PermCasesReply      Permission = "cases:reply"
	PermCasesResolve    Permission = "cases:resolve"
	PermCasesEscalate   Permission = "cases:escalate"
	PermCasesAssign     Permission = "cases:assign"
	PermPromisesRead    Permission = "commitments:read"
	PermCoachUse        Permission = "coach:use"
	PermGoodwillApprove Permission = "goodwill:approve"
	PermUsersManage     Permission = "users:manage"
	PermSettingsManage  Permission = "settings:manage"
	// PermTrainingPractice lets a user play training scenarios and read
	// their own attempts; PermTrainingManage lets a supervisor read every
	// trainee's attempts and make scenarios.
	PermTrainingPractice Permission = "training:practice"
	PermTrainingManage   Permission = "training:manage"
	PermInsightsRead     Permission = "insights:read"
	// PermCorrectionsWrite lets a person say a reading or a coach finding
	// is wrong; the desk learns from what they say.
	PermCorrectionsWrite Permission = "corrections:write"
)

var agentPerms = []Permission{
	PermCasesRead, PermMessagesIngest, PermCasesReply, PermCasesResolve,
	PermCasesEscalate, PermCasesAssign, PermPromisesRead, PermCoachUse, PermTrainingPractice,
	PermCorrectionsWrite,
}

var rolePerms = map[Role][]Permission{
	RoleTrainee:    {PermCoachUse, PermTrainingPractice},
	RoleAgent:      agentPerms,
	RoleSupervisor: append(slices.Clone(agentPerms), PermGoodwillApprove, PermInsightsRead, PermTrainingManage),
	RoleAdmin:      append(slices.Clone(agentPerms), PermGoodwillApprove, PermInsightsRead, PermUsersManage, PermSettingsManage, PermTrainingManage),
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	_, ok := rolePerms[r]
	return ok
}

// Can reports whether the role grants p.
func (r Role) Can(p Permission) bool {
	return slices.Contains(rolePerms[r], p)
}

// Permissions lists what the role grants.
func (r Role) Permissions() []Permission { return slices.Clone(rolePerms[r]) }
