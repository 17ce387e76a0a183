// What a citizen's file is, read from its bytes, and its name made safe.
#include "channels/files.h"

#include <gtest/gtest.h>

#include <string>

namespace guichet::channels {
namespace {

TEST(Attachment, ItsTypeIsReadFromItsContentNeverFromItsName) {
  EXPECT_STREQ(attachment_type("%PDF-1.7\n%\xE2\xE3\xCF\xD3")->mime, "application/pdf");
  EXPECT_STREQ(attachment_type(std::string("\xFF\xD8\xFF\xE0\0\x10JFIF", 10))->mime, "image/jpeg");
  EXPECT_STREQ(attachment_type(std::string("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16))->extension, "png");
  // An office document (a ZIP), an executable, HTML, SVG, text, nothing.
  EXPECT_FALSE(attachment_type(std::string("PK\x03\x04\x14\0\x06\0", 8)));
  EXPECT_FALSE(attachment_type("MZ\x90"));
  EXPECT_FALSE(
      attachment_type("\x7F"
                      "ELF"));
  EXPECT_FALSE(attachment_type("<!doctype html><script>alert(1)</script>"));
  EXPECT_FALSE(attachment_type("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"));
  EXPECT_FALSE(attachment_type("Bonjour"));
  EXPECT_FALSE(attachment_type(""));
  EXPECT_FALSE(attachment_type("%PDF")) << "cut short";
}

TEST(Attachment, ANameIsShownAsGivenButNeverAsAPathOrATrick) {
  EXPECT_EQ(clean_file_name("Avis d'imposition 2026.pdf"), "Avis d'imposition 2026.pdf");
  EXPECT_EQ(clean_file_name("C:\\Users\\lea\\Documents\\facture.pdf"), "facture.pdf");
  EXPECT_EQ(clean_file_name("../../etc/passwd"), "passwd");
  EXPECT_EQ(clean_file_name("..."), "fichier");
  EXPECT_EQ(clean_file_name(""), "fichier");
  EXPECT_EQ(clean_file_name(".bashrc"), "bashrc");
  EXPECT_EQ(clean_file_name("a\"b<c>d\r\ne\x01.png"), "abcde.png");
  EXPECT_EQ(clean_file_name("facture\xE2\x80\xAE"
                            "fdp.exe"),
            "facturefdp.exe")
      << "a right-to-left override showed it as …exe.pdf";
  EXPECT_EQ(clean_file_name("\xC3\xA9t\xC3\xA9.jpg"), "\xC3\xA9t\xC3\xA9.jpg") << "été.jpg";
  EXPECT_EQ(clean_file_name("bad\xC3.jpg"), "bad.jpg") << "a cut UTF-8 sequence";
  EXPECT_EQ(clean_file_name(std::string(300, 'a')).size(), 100u);
}

}  // namespace
}  // namespace guichet::channels
