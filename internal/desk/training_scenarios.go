package desk

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/calmdesk/calmdesk/internal/training"
)

// Statuses of a kept training scenario. Only published scenarios reach
// trainees; a draft waits for a supervisor's review; a retired one (or a
// built-in an admin hid) is kept for the attempts made on it.
const (
	ScenarioDraft     = "draft"
	ScenarioPublished = "published"
	ScenarioRetired   = "retired"
)

// Sources of a training scenario.
const (
	ScenarioBuiltin  = "built-in"
	ScenarioFromCase = "case"
)

// KeptScenario is a training scenario with the desk's status for it.
type KeptScenario struct {
	Scenario  training.Scenario `json:"scenario"`
	Status    string            `json:"status"`
	Source    string            `json:"source"`
	Version   string            `json:"version"` // the library's for a built-in, the edit count for one from a case
	CaseID    *int64            `json:"case_id,omitempty"`
	UpdatedBy *int64            `json:"updated_by,omitempty"`
	UpdatedAt *time.Time        `json:"updated_at,omitempty"`
}

// scenarioRow is one row of training_scenarios.
type scenarioRow struct {
	id, source, status string
	caseID, updatedBy  sql.NullInt64
	version            int
	blob               string
	updatedAt          time.Time
}

func (r scenarioRow) kept() (KeptScenario, error) {
	k := KeptScenario{Status: r.status, Source: r.source, Version: fmt.Sprint(r.version)}
	if r.caseID.Valid {
		k.CaseID = &r.caseID.Int64
	}
	if r.updatedBy.Valid {
		k.UpdatedBy = &r.updatedBy.Int64
	}
	at := r.updatedAt.UTC()
	k.UpdatedAt = &at
	if err := json.Unmarshal([]byte(r.blob), &k.Scenario); err != nil {
		return k, fmt.Errorf("desk: training scenario %s: %w", r.id, err)
	}
	k.Scenario.Version = r.version
	return k, nil
}

func scanScenarioRows(rows *sql.Rows) ([]scenarioRow, error) {
	defer rows.Close()
	var out []scenarioRow
	for rows.Next() {
		var r scenarioRow
		if err := rows.Scan(&r.id, &r.source, &r.status, &r.caseID, &r.version, &r.blob, &r.updatedBy, &r.updatedAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

const scenarioCols = `id, source, status, case_id, version, scenario, updated_by, updated_at`

// scenarioLibrary is every scenario the desk knows, built-ins first (in
// the library's order, with an admin's status if any), then those made
// from cases, oldest first.
func (d *Desk) scenarioLibrary(ctx context.Context, q querier) ([]KeptScenario, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+scenarioCols+` FROM training_scenarios ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("desk: training scenarios: %w", err)
	}
	list, err := scanScenarioRows(rows)
	if err != nil {
		return nil, fmt.Errorf("desk: training scenarios: %w", err)
	}
	builtinStatus := map[string]scenarioRow{}
	var fromCases []KeptScenario
	for _, r := range list {
		if r.source == ScenarioBuiltin {
			builtinStatus[r.id] = r
			continue
		}
		k, err := r.kept()
		if err != nil {
			return nil, err
		}
		fromCases = append(fromCases, k)
	}
	lib := training.Builtin()
	out := make([]KeptScenario, 0, len(lib.Scenarios)+len(fromCases))
	for _, sc := range lib.Scenarios {
		k := KeptScenario{Scenario: sc, Status: ScenarioPublished, Source: ScenarioBuiltin, Version: lib.Version}
		if k.Scenario.Source == "" {
			k.Scenario.Source = ScenarioBuiltin
		}
		if r, ok := builtinStatus[sc.ID]; ok {
			k.Status = r.status
			if r.updatedBy.Valid {
				k.UpdatedBy = &r.updatedBy.Int64
			}
			at := r.updatedAt.UTC()
			k.UpdatedAt = &at
		}
		out = append(out, k)
	}
	return append(out, fromCases...), nil
}

// keptScenario returns one scenario of the library.
func (d *Desk) keptScenario(ctx context.Context, q querier, id string) (KeptScenario, error) {
	all, err := d.scenarioLibrary(ctx, q)
	if err != nil {
		return KeptScenario{}, err
	}
	for _, k := range all {
		if k.Scenario.ID == id {
			return k, nil
		}
	}
	return KeptScenario{}, notFound("training scenario")
}

// TrainingScenarios lists the scenarios anyone may practise: the
// published ones, built-in and from cases. Drafts and retired scenarios
// never reach this list, whoever asks.
func (d *Desk) TrainingScenarios(ctx context.Context, u User) ([]training.Scenario, error) {
	if err := require(u, PermTrainingPractice); err != nil {
		return nil, err
	}
	all, err := d.scenarioLibrary(ctx, d.db.Read())
	if err != nil {
		return nil, err
	}
	out := []training.Scenario{}
	for _, k := range all {
		if k.Status == ScenarioPublished {
			out = append(out, k.Scenario)
		}
	}
	return out, nil
}

// ManagedTrainingScenarios lists every scenario with its status, drafts
// and retired ones included, for those who manage training.
func (d *Desk) ManagedTrainingScenarios(ctx context.Context, u User) ([]KeptScenario, error) {
	if err := require(u, PermTrainingManage); err != nil {
		return nil, err
	}
	return d.scenarioLibrary(ctx, d.db.Read())
}

// TrainingScenario returns one scenario: a published one for anyone who
// practises, any for those who manage training. To others a draft or a
// retired scenario does not exist.
func (d *Desk) TrainingScenario(ctx context.Context, u User, id string) (KeptScenario, error) {
	if err := require(u, PermTrainingPractice); err != nil {
		return KeptScenario{}, err
	}
	k, err := d.keptScenario(ctx, d.db.Read(), id)
	if err != nil {
		return KeptScenario{}, err
	}
	if k.Status != ScenarioPublished && !u.Can(PermTrainingManage) {
		return KeptScenario{}, notFound("training scenario")
	}
	return k, nil
}

// publishedScenario is the scenario a user may start an attempt at.
func (d *Desk) publishedScenario(ctx context.Context, id string) (training.Scenario, error) {
	k, err := d.keptScenario(ctx, d.db.Read(), id)
	if err != nil || k.Status != ScenarioPublished {
		return training.Scenario{}, &ValidationError{Fields: map[string]string{"scenario_id": "no such scenario"}}
	}
	return k.Scenario, nil
}

// DraftScenarioFromCase makes a training scenario from a resolved case and
// keeps it as a draft for a supervisor to review. A case makes one
// scenario: asked again, it returns the one already made (created false).
func (d *Desk) DraftScenarioFromCase(ctx context.Context, u User, caseID int64) (KeptScenario, bool, error) {
	sc, err := d.TrainingScenarioFromCase(ctx, u, caseID)
	if err != nil {
		return KeptScenario{}, false, err
	}
	c, err := d.Case(ctx, caseID)
	if err != nil {
		return KeptScenario{}, false, err
	}
	if c.Status != StatusResolved && c.Status != StatusClosed {
		return KeptScenario{}, false, &ConflictError{Message: "Only a resolved case makes a training scenario: resolve it first."}
	}
	blob, err := json.Marshal(sc)
	if err != nil {
		return KeptScenario{}, false, fmt.Errorf("desk: draft scenario: %w", err)
	}
	now := d.clock()
	var k KeptScenario
	created := false
	err = d.db.Tx(ctx, func(tx *sql.Tx) error {
		var existing string
		err := tx.QueryRowContext(ctx, `SELECT id FROM training_scenarios WHERE case_id = $1`, caseID).Scan(&existing)
		if err == nil {
			k, err = d.keptScenario(ctx, tx, existing)
			return err
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO training_scenarios (id, source, case_id, status, version, scenario, created_by, updated_by, created_at, updated_at)
			 VALUES ($1, $2, $3, $4, 1, $5, $6, $6, $7, $7)`,
			sc.ID, ScenarioFromCase, caseID, ScenarioDraft, string(blob), u.ID, now); err != nil {
			return err
		}
		if err := audit(ctx, tx, now, UserActor(u), caseID, "training.scenario_drafted", map[string]any{"scenario_id": sc.ID}); err != nil {
			return err
		}
		created = true
		k, err = d.keptScenario(ctx, tx, sc.ID)
		return err
	})
	if err != nil {
		return KeptScenario{}, false, wrapOp(err, "draft scenario from case %d", caseID)
	}
	return k, created, nil
}

// ScenarioEdit is a supervisor's edit of a scenario made from a case.
// Version is the version edited, so two edits racing do not overwrite
// each other silently.
type ScenarioEdit struct {
	Scenario training.Scenario
	Version  int
}

// UpdateTrainingScenario saves a reviewed scenario made from a case. Its
// id, source and version are the desk's; everything else is the
// supervisor's, validated as the library validates its own. A published
// scenario stays published and its new version is what the next attempt
// plays; attempts already made keep the version they were played on.
func (d *Desk) UpdateTrainingScenario(ctx context.Context, u User, id string, in ScenarioEdit) (KeptScenario, error) {
	if err := require(u, PermTrainingManage); err != nil {
		return KeptScenario{}, err
	}
	sc := in.Scenario
	sc.ID, sc.Source, sc.Version = id, ScenarioFromCase, 0
	sc.Lines = trimLines(sc.Lines)
	var k KeptScenario
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		cur, err := d.keptScenario(ctx, tx, id)
		if err != nil {
			return err
		}
		if cur.Source == ScenarioBuiltin {
			return &ConflictError{Message: "Built-in scenarios are data in internal/training/scenarios.json; an admin may hide one, not edit it here."}
		}
		if in.Version != 0 && fmt.Sprint(in.Version) != cur.Version {
			return &ConflictError{Message: fmt.Sprintf("The scenario was changed since you opened it (now version %s); reload it.", cur.Version)}
		}
		if err := scenarioFields(sc); err != nil {
			return err
		}
		if err := d.checkScrubbed(ctx, tx, *cur.CaseID, sc); err != nil {
			return err
		}
		blob, err := json.Marshal(sc)
		if err != nil {
			return err
		}
		now := d.clock()
		if _, err := tx.ExecContext(ctx,
			`UPDATE training_scenarios SET scenario = $1, version = version + 1, updated_by = $2, updated_at = $3 WHERE id = $4`,
			string(blob), u.ID, now, id); err != nil {
			return err
		}
		if err := audit(ctx, tx, now, UserActor(u), *cur.CaseID, "training.scenario_edited", map[string]any{"scenario_id": id}); err != nil {
			return err
		}
		k, err = d.keptScenario(ctx, tx, id)
		return err
	})
	if err != nil {
		return KeptScenario{}, wrapOp(err, "update training scenario %s", id)
	}
	return k, nil
}

// SetTrainingScenarioStatus publishes, retires or (for a case's scenario)
// returns to draft a scenario. A scenario from a case is checked again for
// its case's personal data before it is published. Built-in scenarios are
// hidden (retired) and shown again (published) by an admin only.
func (d *Desk) SetTrainingScenarioStatus(ctx context.Context, u User, id, status string) (KeptScenario, error) {
	if err := require(u, PermTrainingManage); err != nil {
		return KeptScenario{}, err
	}
	if !slices.Contains([]string{ScenarioDraft, ScenarioPublished, ScenarioRetired}, status) {
		return KeptScenario{}, &ValidationError{Fields: map[string]string{"status": "must be draft, published or retired"}}
	}
	var k KeptScenario
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		cur, err := d.keptScenario(ctx, tx, id)
		if err != nil {
			return err
		}
		now := d.clock()
		var caseID int64
		if cur.Source == ScenarioBuiltin {
			if err := require(u, PermSettingsManage); err != nil {
				return err
			}
			if status == ScenarioDraft {
				return &ValidationError{Fields: map[string]string{"status": "a built-in scenario is published or retired (hidden)"}}
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM training_scenarios WHERE id = $1 AND source = $2`, id, ScenarioBuiltin); err != nil {
				return err
			}
			if status == ScenarioRetired {
				if _, err := tx.ExecContext(ctx,
					`INSERT INTO training_scenarios (id, source, status, version, scenario, created_by, updated_by, created_at, updated_at)
					 VALUES ($1, $2, $3, 1, '{}', $4, $4, $5, $5)`, id, ScenarioBuiltin, status, u.ID, now); err != nil {
					return err
				}
			}
		} else {
			caseID = *cur.CaseID
			if status == ScenarioPublished {
				if err := scenarioFields(cur.Scenario); err != nil {
					return err
				}
				if err := d.checkScrubbed(ctx, tx, caseID, cur.Scenario); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE training_scenarios SET status = $1, updated_by = $2, updated_at = $3 WHERE id = $4`,
				status, u.ID, now, id); err != nil {
				return err
			}
		}
		action := map[string]string{ScenarioDraft: "training.scenario_edited", ScenarioPublished: "training.scenario_published", ScenarioRetired: "training.scenario_retired"}[status]
		if err := audit(ctx, tx, now, UserActor(u), caseID, action, map[string]any{"scenario_id": id, "status": status}); err != nil {
			return err
		}
		k, err = d.keptScenario(ctx, tx, id)
		return err
	})
	if err != nil {
		return KeptScenario{}, wrapOp(err, "training scenario %s", id)
	}
	return k, nil
}

// scenarioFields validates a scenario as a form's fields.
func scenarioFields(sc training.Scenario) error {
	v := validator{}
	v.check(strings.TrimSpace(sc.Title) != "", "title", "is required")
	v.check(strings.TrimSpace(sc.Opening) != "", "opening", "is required")
	v.check(strings.TrimSpace(sc.Family) != "", "family", "is required: the scenario set it counts toward")
	v.check(len(sc.Opening) <= 8000, "opening", "is too long (8,000 bytes at most)")
	v.check(strings.TrimSpace(sc.Persona.Name) != "", "persona.name", "is required")
	v.check(slices.Contains(training.Temperaments, sc.Persona.Temperament), "persona.temperament", "must be one of "+strings.Join(training.Temperaments, ", "))
	v.check(0 <= sc.CalmAt && sc.CalmAt < sc.Anger && sc.Anger < sc.EscalateAt && sc.EscalateAt <= 100, "escalate_at",
		"want 0 ≤ calm at < starting anger < escalate at ≤ 100")
	v.check(sc.TurnLimit >= 1 && sc.TurnLimit <= 12, "turn_limit", "must be 1-12")
	v.check(len(sc.Concerns) > 0, "concerns", "at least one concern")
	for _, c := range sc.Concerns {
		v.check(c.ID != "" && strings.TrimSpace(c.Ask) != "" && len(c.Cues) > 0, "concerns", "each concern needs what the customer asks and the words that answer it")
	}
	if err := v.err(); err != nil {
		return err
	}
	if err := sc.Validate(); err != nil {
		return &ValidationError{Fields: map[string]string{"scenario": err.Error()}}
	}
	return nil
}

func trimLines(l training.Lines) training.Lines {
	clean := func(in []string) []string {
		var out []string
		for _, s := range in {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return training.Lines{Soften: clean(l.Soften), PushBack: clean(l.PushBack), NeedTime: clean(l.NeedTime), NeedSorry: clean(l.NeedSorry),
		Manager: clean(l.Manager), Leave: clean(l.Leave), Resolved: clean(l.Resolved)}
}

// checkScrubbed refuses a scenario that holds its case's personal data:
// the customer's name (in full or by part), email address (or its local
// part), or a number of four digits or more from the customer's messages,
// or a staff member's name. A supervisor's edit could put them back.
func (d *Desk) checkScrubbed(ctx context.Context, q querier, caseID int64, sc training.Scenario) error {
	c, err := d.Case(ctx, caseID)
	if err != nil {
		return err
	}
	users, err := d.Users(ctx)
	if err != nil {
		return err
	}
	blob, err := json.Marshal(sc)
	if err != nil {
		return err
	}
	text := string(blob)
	var leaks []string
	names := strings.Fields(c.Customer.Name)
	for _, usr := range users {
		names = append(names, strings.Fields(usr.Name)...)
	}
	for _, n := range names {
		n = strings.Trim(n, ".,")
		if len([]rune(n)) >= 3 && regexp.MustCompile(`\b`+regexp.QuoteMeta(n)+`\b`).MatchString(text) {
			leaks = append(leaks, n)
		}
	}
	if e := strings.ToLower(c.Customer.Email); e != "" {
		local, _, _ := strings.Cut(e, "@")
		for _, s := range []string{e, local} {
			if len(s) >= 3 && strings.Contains(strings.ToLower(text), s) {
				leaks = append(leaks, s)
			}
		}
	}
	long := regexp.MustCompile(`\b\d{4,}\b`)
	for _, m := range c.Messages {
		if m.Direction != Inbound {
			continue
		}
		for _, num := range long.FindAllString(m.CleanText, -1) {
			if regexp.MustCompile(`\b` + num + `\b`).MatchString(text) {
				leaks = append(leaks, num)
			}
		}
	}
	if len(leaks) == 0 {
		return nil
	}
	slices.Sort(leaks)
	return &ValidationError{Fields: map[string]string{"scenario": "still holds personal data from the case: " + strings.Join(slices.Compact(leaks), ", ") + "; replace it with a fake"}}
}
