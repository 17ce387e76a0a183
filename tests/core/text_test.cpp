#include "core/text.h"

#include <gtest/gtest.h>

namespace guichet {
namespace {

TEST(Text, LengthCountsCharactersNotBytes) {
  EXPECT_EQ(utf8_length("état civil"), 10u);
  EXPECT_EQ(utf8_length("€"), 1u);
  EXPECT_EQ(utf8_length(""), 0u);
}

TEST(Text, UserNamesCannotPassForAnother) {
  EXPECT_TRUE(valid_username("admin"));
  EXPECT_TRUE(valid_username("agent.dupont-2"));
  EXPECT_FALSE(valid_username("Admin"));
  EXPECT_FALSE(valid_username("admin "));
  EXPECT_FALSE(valid_username(" admin"));
  EXPECT_FALSE(valid_username("ad min"));
  EXPECT_FALSE(valid_username(std::string("admin\0x", 7)));
  EXPECT_FALSE(valid_username("\u202Enimda"));  // right-to-left override
  EXPECT_FALSE(valid_username("admín"));
  EXPECT_FALSE(valid_username(""));
  EXPECT_FALSE(valid_username(".admin"));
  EXPECT_FALSE(valid_username(std::string(65, 'a')));
}

TEST(Text, PhoneNumbersAsFrenchPeopleTypeThem) {
  for (const char* typed : {"06 12 34 56 78", "0612345678", "06.12.34.56.78", "06-12-34-56-78",
                            "+33 6 12 34 56 78", "+33612345678", "+33 (0)6 12 34 56 78",
                            "0033 6 12 34 56 78", "33612345678", "(+33) 6 12 34 56 78"}) {
    EXPECT_EQ(e164(typed).value_or("refused"), "+33612345678") << typed;
  }
  EXPECT_EQ(e164("01 00 00 00 00").value_or(""), "+33100000000");
  EXPECT_EQ(e164("0690 12 34 56").value_or(""), "+590690123456");  // Guadeloupe mobile
  EXPECT_EQ(e164("0262 12 34 56").value_or(""), "+262262123456");  // La Réunion
  EXPECT_EQ(e164("+44 20 7946 0958").value_or(""), "+442079460958");
  EXPECT_EQ(e164("3939").value_or(""), "3939");
  EXPECT_EQ(e164("112").value_or(""), "112");
  for (const char* refused : {"", "abc", "06 12 34 56 7x", "+", "+0612345678", "12345678",
                              "+1234567890123456", "sip:agent@example.org"}) {
    EXPECT_FALSE(e164(refused).has_value()) << refused;
  }
}

}  // namespace
}  // namespace guichet
