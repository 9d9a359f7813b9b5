package org.xso.persistence;

import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Transient;
import org.springframework.data.domain.Persistable;

/**
 * An entity whose id the application assigns (a UUID, a domid) and that has no version column:
 * Spring Data cannot tell a new one from a stored one by its id, and would merge it, reading the
 * row before inserting it. A new instance says it is new until it is persisted or loaded, so a
 * save persists it.
 *
 * @param <ID> the id's type
 */
@MappedSuperclass
public abstract class AssignedIdEntity<ID> implements Persistable<ID> {

	@Transient
	private boolean fresh = true;

	@PostLoad
	@PostPersist
	protected void stored() {
		this.fresh = false;
	}

	@Override
	public boolean isNew() {
		return this.fresh;
	}

}
