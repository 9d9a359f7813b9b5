package org.xso.web;

import java.beans.PropertyEditorSupport;

import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;

/**
 * Query and header parameters bind as strictly as bodies do: a boolean is {@code true} or
 * {@code false}, as the contract's {@code type: boolean} says, not also yes/no/on/off/1/0 in any
 * case, which Spring's default boolean editor would otherwise accept (so {@code follow=yes} is a
 * 400, not a stream). A custom editor, because the binder falls back to the default editors when
 * a converter refuses a value.
 */
@ControllerAdvice
class StrictParameters {

	@InitBinder
	void strictBooleans(WebDataBinder binder) {
		binder.registerCustomEditor(boolean.class, new StrictBoolean());
		binder.registerCustomEditor(Boolean.class, new StrictBoolean());
	}

	/** Only the two JSON literals. */
	static final class StrictBoolean extends PropertyEditorSupport {

		@Override
		public void setAsText(String text) {
			setValue(switch (text) {
				case "true" -> Boolean.TRUE;
				case "false" -> Boolean.FALSE;
				default -> throw new IllegalArgumentException("must be true or false: " + text);
			});
		}

	}

}
