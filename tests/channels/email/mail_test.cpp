// Mails as citizens' clients and machines send them, read: charsets and
// RFC 2047 words, threads, files, and what a machine sent.
#include "channels/email/mail.h"
#include "channels/email/mail_servers.h"

#include <gtest/gtest.h>

#include <string>

namespace guichet::email {
namespace {

TEST(ParseMail, TextWithoutACharsetIsMadeUtf8) {
  // 8-bit Latin-1 bytes, no charset, an unknown one: read as Windows-1252.
  auto mail = parse_mail(
      "From: Ren\xE9 <r@exemple.fr>\r\nSubject: caf\xE9\r\n"
      "Content-Type: text/plain; charset=unknown-8bit\r\n\r\nD\xE9j\xE0 \x93vu\x94\r\n");
  ASSERT_TRUE(mail);
  EXPECT_EQ(mail->text, "Déjà “vu”\n");
  EXPECT_EQ(mail->subject, "café");
  EXPECT_EQ(mail->from->name, "René");
}

// UTF-8 with one stray Latin-1 byte (a signature pasted from elsewhere):
// the UTF-8 stays as written, only that byte is read as Windows-1252.
TEST(ParseMail, OneStrayByteDoesNotTurnTheWholeTextIntoMojibake) {
  auto mail = parse_mail(
      "From: r@exemple.fr\r\nSubject: x\r\n"
      "Content-Type: text/plain; charset=unknown-8bit\r\n\r\n"
      "Déjà envoyé, merci à vous pour ça. Ren\xE9 \x93R\x94\r\n");
  ASSERT_TRUE(mail);
  EXPECT_EQ(mail->text, "Déjà envoyé, merci à vous pour ça. René “R”\n");
}

// Windows-1252 through and through, one pair of which happens to be valid
// UTF-8 ("É" then a no-break space): all of it read as Windows-1252.
TEST(ParseMail, Windows1252ThatLooksLikeUtf8HereAndThereStaysWindows1252) {
  auto mail = parse_mail(
      "From: r@exemple.fr\r\nSubject: x\r\n"
      "Content-Type: text/plain; charset=unknown-8bit\r\n\r\n"
      "PAY\xC9\xA0! D\xE9j\xE0 r\xE9gl\xE9.\r\n");
  ASSERT_TRUE(mail);
  EXPECT_EQ(mail->text, "PAYÉ\u00A0! Déjà réglé.\n");
}

TEST(ParseMail, OutlooksWindows1252LabelledLatin1IsReadAsBrowsersReadIt) {
  auto mail = parse_mail(
      "From: =?iso-8859-1?Q?=93Ren=E9=94?= <r@exemple.fr>\r\n"
      "Subject: =?iso-8859-1?Q?Permis_=96_pi=E8ce_manquante_=80?=\r\n"
      "Content-Type: text/plain; charset=iso-8859-1\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
      "L=92acte co=FBte 0=80 =96 merci\r\n");
  ASSERT_TRUE(mail);
  EXPECT_EQ(mail->subject, "Permis – pièce manquante €");
  EXPECT_EQ(mail->from->name, "“René”");
  EXPECT_EQ(mail->text, "L’acte coûte 0€ – merci\n");
}

// Outlook-like: ISO-8859-1 quoted-printable text, an HTML alternative, a
// PDF named in RFC 2231, an RFC 2047 subject and name; CRLF line ends.
std::string crlf(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

const std::string kReply = crlf(R"(Return-Path: <lucie.martin@exemple.fr>
From: =?UTF-8?Q?Lucie_Martin_=C3=A9?= <Lucie.Martin@Exemple.FR>
To: "Mairie de Saint-Exemple" <contact@mairie.test>, =?ISO-8859-1?Q?Ren=E9?= <rene@exemple.fr>
Cc: etat-civil@mairie.test
Subject: =?UTF-8?Q?RE=C2=A0:_Acte_de_naissance_[GU-1234]?=
Date: Mon, 07 Dec 2026 09:12:00 +0100
Message-ID: <CAB123@mail.exemple.fr>
In-Reply-To: <guichet.1234.1@mairie.test>
References: <guichet.1234.0@mairie.test> <guichet.1234.1@mairie.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mixed"

--mixed
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=ISO-8859-1
Content-Transfer-Encoding: quoted-printable

Bonjour, voici le document demand=E9 pour l'acte de naissance.
Merci d'avance.

--alt
Content-Type: text/html; charset=UTF-8

<p>Bonjour, voici le document demand&eacute;.</p>
--alt--

--mixed
Content-Type: application/pdf
Content-Disposition: attachment; filename*=UTF-8''livret%20de%20famille%20%C3%A9t%C3%A9.pdf
Content-Transfer-Encoding: base64

JVBERi0xLjcKJeLjz9MK
--mixed--
)");

TEST(Mail, ACitizensReplyIsReadWhateverItsCharsets) {
  auto mail = parse_mail(kReply);
  ASSERT_TRUE(mail) << mail.error().message;
  ASSERT_TRUE(mail->from);
  EXPECT_EQ(mail->from->address, "lucie.martin@exemple.fr") << "addresses in lower case";
  EXPECT_EQ(mail->from->name, "Lucie Martin é");
  ASSERT_EQ(mail->to.size(), 2u);
  EXPECT_EQ(mail->to[1].name, "René") << "ISO-8859-1 RFC 2047";
  ASSERT_EQ(mail->cc.size(), 1u);
  EXPECT_EQ(mail->subject, "RE\u00a0: Acte de naissance [GU-1234]");
  EXPECT_EQ(mail->message_id, "CAB123@mail.exemple.fr");
  EXPECT_EQ(mail->in_reply_to, "guichet.1234.1@mairie.test");
  EXPECT_EQ(mail->references,
            (std::vector<std::string>{"guichet.1234.0@mairie.test", "guichet.1234.1@mairie.test"}));
  EXPECT_EQ(mail->date, "Mon, 07 Dec 2026 09:12:00 +0100");
  EXPECT_NE(mail->text.find("document demandé pour"), std::string::npos) << mail->text;
  EXPECT_NE(mail->html.find("<p>Bonjour"), std::string::npos);
  ASSERT_EQ(mail->files.size(), 1u);
  EXPECT_EQ(mail->files[0].name, "livret de famille été.pdf");
  EXPECT_EQ(mail->files[0].type, "application/pdf");
  EXPECT_TRUE(mail->files[0].content.starts_with("%PDF-1.7")) << "base64 decoded";
  EXPECT_EQ(mail->automatic, Automatic::kNone);
  EXPECT_EQ(reference_in(mail->subject), 1234u);
}

TEST(Mail, WhatAMachineSentIsKnownAsSuch) {
  const auto automatic = [](const std::string& headers) {
    auto mail = parse_mail(crlf(headers + "\nHello.\n"));
    EXPECT_TRUE(mail) << headers;
    return mail ? mail->automatic : Automatic::kNone;
  };
  EXPECT_EQ(automatic("From: a@b.fr\nSubject: Absent\nAuto-Submitted: auto-replied\n"),
            Automatic::kAutoReply);
  EXPECT_EQ(automatic("From: a@b.fr\nSubject: x\nAuto-Submitted: no\n"), Automatic::kNone);
  EXPECT_EQ(automatic("From: a@b.fr\nSubject: x\nAuto-Submitted: no (manual)\n"), Automatic::kNone);
  EXPECT_EQ(
      automatic("Return-Path: <>\nFrom: a@b.fr\nSubject: Absent\nAuto-Submitted: auto-replied\n"),
      Automatic::kAutoReply)
      << "an out-of-office comes from the null sender too (RFC 3834)";
  EXPECT_EQ(automatic("From: a@b.fr\nSubject: Lu\nContent-Type: multipart/report; "
                      "report-type=disposition-notification; boundary=\"r\"\n"),
            Automatic::kAutoReply)
      << "a read receipt";
  EXPECT_EQ(automatic("From: a@b.fr\nSubject: Absent\nX-Auto-Response-Suppress: All\n"),
            Automatic::kAutoReply)
      << "Exchange's out-of-office";
  EXPECT_EQ(automatic("From: a@b.fr\nSubject: x\nPrecedence: bulk\n"), Automatic::kList);
  EXPECT_EQ(automatic("From: a@b.fr\nSubject: x\nList-Id: <annonces.b.fr>\n"), Automatic::kList);
  EXPECT_EQ(automatic("From: MAILER-DAEMON@mx.b.fr\nSubject: Undelivered Mail\n"),
            Automatic::kBounce);
  EXPECT_EQ(automatic("Return-Path: <>\nFrom: a@b.fr\nSubject: x\n"), Automatic::kBounce);
  EXPECT_EQ(automatic("From: postmaster@b.fr\nSubject: x\nContent-Type: multipart/report; "
                      "report-type=delivery-status; boundary=\"r\"\n"),
            Automatic::kBounce);
}

TEST(Mail, BadInputIsRefusedOrReadAsFarAsItGoesNeverACrash) {
  EXPECT_FALSE(parse_mail(""));
  EXPECT_FALSE(parse_mail("juste du texte, sans en-tête\n"));
  EXPECT_FALSE(parse_mail(std::string(1000, '\0')));
  // A charset that lies, a boundary that never ends, a base64 that is not:
  // read, not refused.
  auto lying = parse_mail(crlf(R"(From: a@b.fr
Subject: =?x-nonexistent?Q?caf=E9?=
Content-Type: multipart/mixed; boundary="never"

--never
Content-Type: text/plain; charset=klingon
Content-Transfer-Encoding: base64

!!!! not base64 ****
)"));
  ASSERT_TRUE(lying) << lying.error().message;
  EXPECT_EQ(lying->from->address, "a@b.fr");
  auto no_body = parse_mail("From: a@b.fr\r\nSubject: vide\r\n");
  ASSERT_TRUE(no_body);
  EXPECT_TRUE(no_body->text.empty());
}

TEST(Mail, AMailForwardedAsAnAttachmentIsKept) {
  auto mail = parse_mail(crlf(R"(From: a@b.fr
Subject: Fwd: ma demande
Content-Type: multipart/mixed; boundary="m"

--m
Content-Type: text/plain

Voici le courriel d'origine.
--m
Content-Type: message/rfc822

From: c@d.fr
Subject: Demande initiale

Bonjour.
--m--
)"));
  ASSERT_TRUE(mail) << mail.error().message;
  ASSERT_EQ(mail->files.size(), 1u);
  EXPECT_EQ(mail->files[0].type, "message/rfc822");
  EXPECT_EQ(mail->files[0].name, "Demande initiale.eml");
  EXPECT_NE(mail->files[0].content.find("Bonjour."), std::string::npos);
}

TEST(Mail, TheReferenceInASubjectIsOursOnly) {
  EXPECT_EQ(reference_in("Re: [GU-42] Votre demande"), 42u);
  EXPECT_EQ(reference_in("TR: RE: Votre demande [GU-7]"), 7u);
  EXPECT_FALSE(reference_in("[GU-] rien"));
  EXPECT_FALSE(reference_in("[GU-12 sans fin"));
  EXPECT_FALSE(reference_in("[GU-0]"));
  EXPECT_FALSE(reference_in("[GU-99999999999999999999]")) << "no overflow";
  EXPECT_FALSE(reference_in("Votre demande"));
}

}  // namespace
}  // namespace guichet::email

namespace guichet::email {
namespace {

// A folder named in French reaches the server as IMAP names it (RFC 3501,
// modified UTF-7), its example included.
TEST(ImapFolderName, IsModifiedUtf7) {
  EXPECT_EQ(imap_folder_name("INBOX"), "INBOX");
  EXPECT_EQ(imap_folder_name("Réclamations"), "R&AOk-clamations");
  EXPECT_EQ(imap_folder_name("Élus & citoyens"), "&AMk-lus &- citoyens");
  EXPECT_EQ(imap_folder_name("~peter/mail/台北/日本語"), "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
  EXPECT_EQ(imap_folder_name("Pièces 📎"), "Pi&AOg-ces &2D3czg-");
  EXPECT_FALSE(imap_folder_name("caf\xE9"));        // Latin-1, not UTF-8
  EXPECT_FALSE(imap_folder_name("x\xFF\xBF\xBF"));  // no UTF-8 lead byte
}

}  // namespace
}  // namespace guichet::email
