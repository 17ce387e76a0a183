import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { useEffect, useRef, useState } from "react";
import {
  CHANNELS,
  client,
  settle,
  type AgentProfile,
  type Channel,
  type Schemas,
} from "../api";
import { currentLang, useT, type TextKey } from "../i18n";
import { sayError } from "../errors";

// A supervisor changes an agent's skills, levels and capacities; the engine
// applies them at once (the next offer follows them).
export function AgentEditor({ agentId, onClose }: { agentId: number; onClose: () => void }) {
  const { t } = useT();
  const [profile, setProfile] = useState<AgentProfile | null>(null);
  const [skills, setSkills] = useState<Schemas["Skill"][]>([]);
  const [levels, setLevels] = useState<Record<number, number>>({});
  const [capacity, setCapacity] = useState<Partial<Record<Channel, number>>>({});
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    void Promise.all([
      settle(client.GET("/api/v1/agents/{id}", { params: { path: { id: agentId } } })),
      settle(client.GET("/api/v1/skills")),
    ]).then(([agent, all]) => {
      if (all.ok) setSkills(all.value);
      if (agent.ok) {
        setProfile(agent.value);
        // Read as it was written: its skills, its capacities may be absent.
        setLevels(
          Object.fromEntries((agent.value.skills ?? []).map((s) => [s.skill_id, s.level])),
        );
        setCapacity(agent.value.capacity ?? {});
      } else {
        // No profile yet: start from nothing.
        setProfile({ id: agentId, name: "", skills: [], capacity: {} });
      }
      heading.current?.focus();
    });
  }, [agentId]);

  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    // PUT replaces the profile: what this editor does not show is kept.
    const body: Schemas["AgentInput"] = {
      ...(profile?.phone ? { phone: profile.phone } : {}),
      ...(profile?.voice_exclusive !== undefined
        ? { voice_exclusive: profile.voice_exclusive }
        : {}),
      skills: Object.entries(levels)
        .filter(([, level]) => level > 0)
        .map(([skill, level]) => ({ skill_id: Number(skill), level })),
      capacity,
      ...(profile?.team?.trim() ? { team: profile.team.trim() } : {}),
    };
    const result = await settle(
      client.PUT("/api/v1/agents/{id}", { params: { path: { id: agentId } }, body }),
    );
    if (result.ok) setSaved(true);
    else setError(sayError(result.error, currentLang()));
  };

  if (!profile) return null;
  return (
    <section
      className="fr-card fr-card--no-arrow fr-p-3w fr-mb-3w"
      aria-labelledby="agent-editor-title"
    >
      <h3 id="agent-editor-title" className="fr-h5" tabIndex={-1} ref={heading}>
        {t("editor.title")} — {profile.name || `#${agentId}`}
      </h3>
      {error && <Alert severity="error" small description={error} className="fr-mb-2w" />}
      {saved && (
        <Alert severity="success" small description={t("editor.saved")} className="fr-mb-2w" />
      )}
      <form onSubmit={save}>
        <Input
          label={t("wall.team")}
          hintText={t("editor.teamHint")}
          nativeInputProps={{
            name: "team",
            maxLength: 100,
            value: profile.team ?? "",
            onChange: (e) => setProfile({ ...profile, team: e.target.value }),
          }}
        />
        <fieldset className="fr-fieldset">
          <legend className="fr-fieldset__legend">{t("editor.skills")}</legend>
          <div className="guichet-grid">
            {skills.map((skill) => (
              <Select
                key={skill.id}
                label={skill.name}
                nativeSelectProps={{
                  name: `skill-${skill.name}`,
                  value: String(levels[skill.id] ?? 0),
                  onChange: (e) =>
                    setLevels({ ...levels, [skill.id]: Number(e.target.value) }),
                }}
              >
                <option value="0">{t("editor.noSkill")}</option>
                {[1, 2, 3, 4, 5].map((level) => (
                  <option key={level} value={level}>
                    {t("editor.level")} {level}
                  </option>
                ))}
              </Select>
            ))}
          </div>
        </fieldset>
        <fieldset className="fr-fieldset">
          <legend className="fr-fieldset__legend">{t("editor.capacity")}</legend>
          <div className="guichet-grid">
            {CHANNELS.map((channel) => (
              <Input
                key={channel}
                label={t(`channel.${channel}` as TextKey)}
                nativeInputProps={{
                  name: `capacity-${channel}`,
                  type: "number",
                  min: 0,
                  max: 255,
                  value: capacity[channel] ?? 0,
                  onChange: (e) =>
                    setCapacity({ ...capacity, [channel]: Math.max(0, Number(e.target.value)) }),
                }}
              />
            ))}
          </div>
        </fieldset>
        <div className="fr-btns-group fr-btns-group--inline">
          <Button type="submit">{t("common.save")}</Button>
          <Button priority="secondary" type="button" onClick={onClose}>
            {t("common.close")}
          </Button>
        </div>
      </form>
    </section>
  );
}
