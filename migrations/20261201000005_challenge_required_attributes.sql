-- The attributes Cognito asked for with the challenge (its `requiredAttributes` parameter, a
-- JSON list such as ["userAttributes.name"]): an answer may set those and no others.
ALTER TABLE challenges ADD COLUMN required_attributes TEXT;
