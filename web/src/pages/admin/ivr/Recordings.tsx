// Recordings for the IVR flows (/api/v1/prompts): audio files uploaded once
// and said by a step instead of its synthesised text (its "audio_id"). The
// section of the IVR page that lists, plays, adds and deletes them, and the
// player the step editor shows for the recording chosen.
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Upload } from "@codegouvfr/react-dsfr/Upload";
import { useEffect, useRef, useState } from "react";
import { uploadRecording, type Schemas } from "../../../api";
import { AdminTable, RowActions } from "../../../components/AdminTable";
import {
  FeedbackAlert,
  errorProps,
  problemFromApi,
  type Feedback,
  type Problem,
} from "../../../components/feedback";
import { focusField, focusLater } from "../../../components/focus";
import { NameInput } from "../../../components/formFields";
import { deleteItem } from "../../../components/listPage";
import { useBlobUrl } from "../../../hooks";
import { formatDuration } from "../../../i18n";
import { fill } from "../texts";
import { useIvrT } from "./ivrTexts";

// A recording as the API gives it.
type Recording = Schemas["Prompt"];

// The server takes request bodies of 1 MiB at most (413 beyond).
const MAX_BYTES = 1 << 20;
const PREFIX = "recording";

// "accueil — 12 s", as the selects list a recording.
export const recordingLabel = (recording: Recording) =>
  `${recording.name} — ${formatDuration(recording.seconds)}`;

// A recording's audio, fetched with the session. With `play` (the user asked
// to listen), it takes the focus and plays once loaded.
export function RecordingPlayer({
  recording,
  play = false,
}: {
  recording: Recording;
  play?: boolean;
}) {
  const t = useIvrT();
  const audio = useBlobUrl("prompt", recording.id);
  const element = useRef<HTMLAudioElement>(null);
  const url = audio && "url" in audio ? audio.url : null;

  useEffect(() => {
    if (!play || !url || !element.current) return;
    element.current.focus();
    // Refused (no sound device, a browser's policy): the controls stay.
    element.current.play().catch(() => undefined);
  }, [play, url]);

  if (audio === null) {
    return (
      <p className="fr-text--sm fr-mb-0" role="status">
        {t("rec.loading")}
      </p>
    );
  }
  if ("error" in audio) {
    return (
      <p className="fr-error-text fr-mt-0">{`${t("rec.failed")} ${
        problemFromApi(audio.error, t, false).message
      }`}</p>
    );
  }
  return (
    <audio
      ref={element}
      controls
      preload="metadata"
      src={audio.url}
      aria-label={fill(t("rec.player"), { name: recording.name })}
      className="guichet-audio"
    />
  );
}

// "Écouter" until pressed, then the player (focused, playing) in its place.
function ListenCell({ recording }: { recording: Recording }) {
  const t = useIvrT();
  const [listening, setListening] = useState(false);
  const holder = `${PREFIX}-${recording.id}-player`;
  if (listening) {
    return (
      <div id={holder} tabIndex={-1}>
        <RecordingPlayer recording={recording} play />
      </div>
    );
  }
  return (
    <Button
      size="small"
      priority="secondary"
      type="button"
      iconId="fr-icon-play-line"
      onClick={() => {
        setListening(true);
        focusLater(holder); // until the audio, loaded, takes it
      }}
      nativeButtonProps={{ "aria-label": `${t("rec.play")} — ${recording.name}` }}
    >
      {t("rec.play")}
    </Button>
  );
}

// The page's section: the recordings, then the form that adds one.
// `onChanged` reloads the page's list (the step editor's selects use it too).
export function RecordingsSection({
  recordings,
  onChanged,
}: {
  recordings: Recording[] | null;
  onChanged: () => Promise<void>;
}) {
  const t = useIvrT();
  const [feedback, setFeedback] = useState<Feedback>(null);
  const title = useRef<HTMLHeadingElement>(null);

  const remove = (recording: Recording) =>
    deleteItem("/api/v1/prompts", recording, {
      t,
      setFeedback,
      editor: { deleted: onChanged },
      title,
    });

  return (
    <section aria-labelledby={`${PREFIX}s-title`} className="fr-mt-6w">
      <h3 id={`${PREFIX}s-title`} className="fr-h4" tabIndex={-1} ref={title}>
        {t("rec.title")}
      </h3>
      <p>{t("rec.intro")}</p>
      <FeedbackAlert feedback={feedback} />
      <AdminTable
        caption={t("rec.caption")}
        columns={[t("common.name"), t("rec.length"), t("rec.listen"), t("common.actions")]}
        items={recordings}
        row={(r) => (
          <tr data-recording={r.name}>
            <th scope="row">{r.name}</th>
            <td>{formatDuration(r.seconds)}</td>
            <td>
              <ListenCell recording={r} />
            </td>
            <td>
              <RowActions
                idPrefix={`${PREFIX}-${r.id}`}
                name={r.name}
                onDelete={() => remove(r)}
              />
            </td>
          </tr>
        )}
      />
      <section aria-labelledby={`${PREFIX}-add-title`} className="fr-mt-4w">
        <h4 id={`${PREFIX}-add-title`} className="fr-h5">
          {t("rec.add")}
        </h4>
        <UploadForm onUploaded={onChanged} />
      </section>
    </section>
  );
}

// A name and a file, sent as is (the server checks it is audio). After an
// upload, the form starts again, the focus on its name.
function UploadForm({ onUploaded }: { onUploaded: () => Promise<void> }) {
  const t = useIvrT();
  const [name, setName] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [picker, setPicker] = useState(0); // a new file input after each upload
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [busy, setBusy] = useState(false);
  const labels = { name: t("rec.name"), body: t("rec.file") };

  const refuse = (problem: Problem) => {
    setFeedback({ kind: "error", problem });
    focusField(PREFIX, problem); // "name", or "body": the file
  };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFeedback(null);
    if (!name.trim()) return refuse({ field: "name", message: t("error.required") });
    if (!file) return refuse({ field: "body", message: t("rec.chooseFile") });
    if (file.size > MAX_BYTES) return refuse({ field: "body", message: t("rec.tooLarge") });
    setBusy(true);
    const result = await uploadRecording(name.trim(), file, "audio/wav");
    setBusy(false);
    if (!result.ok) {
      const tooLarge = result.error.status === 413;
      return refuse(
        tooLarge ? { field: "body", message: t("rec.tooLarge") } : problemFromApi(result.error, t),
      );
    }
    const added = result.value;
    setFeedback({
      kind: "success",
      text: fill(t("rec.added"), { name: added.name, length: formatDuration(added.seconds) }),
    });
    setName("");
    setFile(null);
    setPicker((n) => n + 1);
    focusLater(`${PREFIX}-name`);
    await onUploaded();
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <FeedbackAlert feedback={feedback} labels={labels} />
      <div className="guichet-grid fr-px-0">
        <NameInput
          id={`${PREFIX}-name`}
          label={t("rec.name")}
          {...errorProps(feedback, "name")}
          value={name}
          onChange={setName}
        />
        <Upload
          key={picker}
          label={t("rec.file")}
          hint={t("rec.fileHint")}
          {...errorProps(feedback, "body")}
          nativeInputProps={{
            id: `${PREFIX}-body`,
            name: "file",
            required: true,
            accept: "audio/wav,.wav",
            onChange: (e) => setFile(e.target.files?.[0] ?? null),
          }}
        />
      </div>
      <Button type="submit" iconId="fr-icon-upload-line" className="fr-mt-2w">
        {t("rec.submit")}
      </Button>
    </form>
  );
}
