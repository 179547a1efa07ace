"""Translation engines behind one seam (`base.TranslationEngine`)."""
