import type { Person } from '../../shared/domain/types'

/** The `<option>`s of a person picker: a first option (all / none), then "name (id)" for each person. */
export function PersonOptions({ people, first }: { people: readonly Person[]; first: string }) {
  return (
    <>
      <option value="">{first}</option>
      {people.map((p) => (
        <option key={p.id} value={p.id}>
          {p.name} ({p.id})
        </option>
      ))}
    </>
  )
}
