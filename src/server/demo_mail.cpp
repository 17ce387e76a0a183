// The demo town hall's mail (demo.h): citizens' mails as their clients send
// them — plain text with a scanned document, HTML only from Outlook, a
// follow-up in the same thread, an out-of-office — taken by the email
// channel as if read from its mailbox (there is no mail server in the
// demo: the mailbox is turned off, so nothing is sent).
#include <string>
#include <vector>

#include "channels/email/email_channel.h"
#include "server/demo.h"

namespace guichet::server {

namespace {

// A one-page PDF ("Livret de famille", scanned): small, but a PDF.
constexpr const char* kPdfBase64 =
    "JVBERi0xLjQKMSAwIG9iajw8L1R5cGUvQ2F0YWxvZy9QYWdlcyAyIDAgUj4+ZW5kb2JqCjIgMCBvYmo8PC9UeXBlL1Bh"
    "Z2VzL0tpZHNbMyAwIFJdL0NvdW50IDE+PmVuZG9iagozIDAgb2JqPDwvVHlwZS9QYWdlL1BhcmVudCAyIDAgUi9NZWRp"
    "YUJveFswIDAgNTk1IDg0Ml0+PmVuZG9iagp0cmFpbGVyPDwvUm9vdCAxIDAgUj4+CiUlRU9GCg==";

std::vector<std::string> demo_mails(const std::string& service) {
  return {
      // A request with a scanned document.
      "From: Lucie Martin <lucie.martin@exemple.fr>\r\n"
      "To: Mairie de Saint-Exemple <" +
          service +
          ">\r\n"
          "Subject: =?UTF-8?Q?Demande_de_copie_int=C3=A9grale_d'acte_de_naissance?=\r\n"
          "Date: Mon, 07 Dec 2026 08:12:00 +0100\r\n"
          "Message-ID: <demo-lucie-1@exemple.fr>\r\n"
          "MIME-Version: 1.0\r\n"
          "Content-Type: multipart/mixed; boundary=\"demo-1\"\r\n\r\n"
          "--demo-1\r\n"
          "Content-Type: text/plain; charset=utf-8\r\n"
          "Content-Transfer-Encoding: 8bit\r\n\r\n"
          "Bonjour,\r\n\r\n"
          "Je souhaite obtenir une copie intégrale de mon acte de naissance (née le 3 mars 1991 à "
          "Saint-Exemple) pour un dossier de mariage.\r\n"
          "Vous trouverez ci-joint mon livret de famille.\r\n\r\n"
          "Cordialement,\r\nLucie Martin\r\n06 12 34 56 78\r\n"
          "--demo-1\r\n"
          "Content-Type: application/pdf; name=\"livret de famille.pdf\"\r\n"
          "Content-Disposition: attachment; filename=\"livret de famille.pdf\"\r\n"
          "Content-Transfer-Encoding: base64\r\n\r\n" +
          std::string(kPdfBase64) + "\r\n--demo-1--\r\n",
      // Outlook, HTML only, in ISO-8859-1.
      "From: \"Benali, Karim\" <k.benali@exemple.com>\r\n"
      "To: <" +
          service +
          ">\r\n"
          "Subject: "
          "=?iso-8859-1?Q?Permis_de_construire_PC_075_123_26_00042_=96_pi=E8ce_manquante?=\r\n"
          "Date: Mon, 07 Dec 2026 09:40:00 +0100\r\n"
          "Message-ID: <DB9PR01MB0042@exemple.com>\r\n"
          "MIME-Version: 1.0\r\n"
          "Content-Type: text/html; charset=iso-8859-1\r\n"
          "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
          "<html><head><style>p{margin:0}</style></head><body><p>Madame, Monsieur,</p><p>Suite =E0 "
          "votre courrier du 30 novembre, quelle pi=E8ce manque-t-il =E0 mon dossier de permis de "
          "construire&nbsp;? J'ai d=E9j=E0 transmis le plan de masse et la notice.</p><p>Bien "
          "cordialement,<br>Karim Benali</p></body></html>\r\n",
      // The first citizen again, in her thread (her client keeps the headers).
      "From: Lucie Martin <lucie.martin@exemple.fr>\r\n"
      "To: Mairie de Saint-Exemple <" +
          service +
          ">\r\n"
          "Subject: =?UTF-8?Q?Re:_Demande_de_copie_int=C3=A9grale_d'acte_de_naissance?=\r\n"
          "Date: Mon, 07 Dec 2026 08:31:00 +0100\r\n"
          "Message-ID: <demo-lucie-2@exemple.fr>\r\n"
          "In-Reply-To: <demo-lucie-1@exemple.fr>\r\n"
          "References: <demo-lucie-1@exemple.fr>\r\n"
          "Content-Type: text/plain; charset=utf-8\r\n"
          "Content-Transfer-Encoding: 8bit\r\n\r\n"
          "J'oubliais : la copie peut-elle m'être envoyée par courrier plutôt que retirée au "
          "guichet ?\r\n\r\n"
          "Le lun. 7 déc. 2026 à 08:12, Lucie Martin <lucie.martin@exemple.fr> a écrit :\r\n"
          "> Bonjour,\r\n> Je souhaite obtenir une copie intégrale de mon acte de naissance\r\n",
      // The same citizen from her work address, answering the thread: not
      // joined without an agent's word (the desk offers to join it).
      "From: Lucie Martin <l.martin@travail.exemple.fr>\r\n"
      "To: Mairie de Saint-Exemple <" +
          service +
          ">\r\n"
          "Subject: =?UTF-8?Q?Re:_Demande_de_copie_int=C3=A9grale_d'acte_de_naissance?=\r\n"
          "Date: Mon, 07 Dec 2026 09:05:00 +0100\r\n"
          "Message-ID: <demo-lucie-work@travail.exemple.fr>\r\n"
          "In-Reply-To: <demo-lucie-1@exemple.fr>\r\n"
          "Content-Type: text/plain; charset=utf-8\r\n"
          "Content-Transfer-Encoding: 8bit\r\n\r\n"
          "Je vous écris du bureau : mon numéro de dossier est le 2026-0412.\r\n",
      // A machine's answer: set aside, never answered.
      "From: Service des sports <sports@exemple.org>\r\n"
      "To: <" +
          service +
          ">\r\n"
          "Subject: =?UTF-8?Q?Absence_du_bureau_jusqu'au_14_d=C3=A9cembre?=\r\n"
          "Date: Mon, 07 Dec 2026 10:02:00 +0100\r\n"
          "Message-ID: <demo-absence@exemple.org>\r\n"
          "Auto-Submitted: auto-replied\r\n"
          "Content-Type: text/plain; charset=utf-8\r\n\r\n"
          "Je suis absent jusqu'au 14 décembre.\r\n",
  };
}

}  // namespace

Status seed_demo_mail(email::EmailChannel& email, std::uint64_t mailbox,
                      const std::string& service_address) {
  for (const std::string& mail : demo_mails(service_address)) {
    if (Status s = email.take_mail(mailbox, mail); !s) return s;
  }
  return Status::ok();
}

}  // namespace guichet::server
